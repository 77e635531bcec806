/**
 * crash loop: a ./run that exits at once. runsv restarts it after its one-second pause, forever;
 * counted are the starts in a window (each start appends a byte to a file) and the CPU time the
 * supervisor itself used meanwhile (its children's CPU is theirs).
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeService } from '../../test/helpers/service-dir.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { cpuNs } from '../lib/procfs.js';
import { alternate, metric, samplesOf, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { startRunsv } from '../lib/supervise.js';

const WINDOW_MS = 10_000;

function starts(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function run(ctx: Context): Promise<Metric[]> {
  const windowMs = ctx.options.isQuick ? 2_000 : WINDOW_MS;
  const restarts = metric('restarts per 10 s', 'starts', 'higher', { note: "runsv's 1 s pause makes ~10 the expected value" });
  const cpu = metric("supervisor's CPU per 10 s", 'ms', 'lower');
  await alternate(ctx.rounds, [ctx.ours, ctx.runit], async (impl) => {
    const parent = ctx.scope.tempDir(`crash-${impl.name}`);
    const counter = join(parent, 'starts');
    writeFileSync(counter, '');
    makeService(join(parent, 'svc'), { run: `printf x >> ${counter}\nexit 0` });
    const runsv = await startRunsv(ctx.scope, impl, parent, 'svc');
    // Past start-up (Node's is costly and not what this measures) and into the loop.
    await waitFor(`${impl.name}: a second start`, () => starts(counter) >= 2, { timeout: 10_000 });
    const count0 = starts(counter);
    const cpu0 = cpuNs(runsv.pid);
    await sleep(windowMs);
    const scale = WINDOW_MS / windowMs;
    samplesOf(restarts, impl).push((starts(counter) - count0) * scale);
    samplesOf(cpu, impl).push(((cpuNs(runsv.pid) - cpu0) / 1e6) * scale);
  });
  return [restarts, cpu];
}

export const crashLoop: Scenario = {
  name: 'crash-loop',
  title: 'a ./run that exits at once: restarts per 10 s and the supervisor CPU',
  needs: ['runsv'],
  rounds: { normal: 2, quick: 1 },
  run,
};
