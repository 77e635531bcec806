/**
 * crash loop: a ./run that exits at once. runsv restarts it after its one-second pause, forever;
 * counted are the starts in a window (each start appends a byte to a file outside the service)
 * and the CPU time the supervisor itself used meanwhile (its children's CPU is theirs).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeService } from '../../test/helpers/service-dir.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { cpuNs } from '../lib/procfs.js';
import { alternate, metric, PerVariant, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { singleHosts, startHost } from '../lib/single.js';

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
  const hosts = singleHosts(ctx.ours, ctx.runit);
  const restarts = new PerVariant(hosts, (h) => metric(`restarts per 10 s, ${h.label}`, 'starts', 'higher', { note: "runsv's 1 s pause makes ~10 the expected value" }));
  const cpu = new PerVariant(hosts, (h) => metric(`supervisor's CPU per 10 s, ${h.label}`, 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 2 } }));
  // Each round's supervisor is stopped when its round ends: kept to the scenario's end, every
  // earlier round would still be crash-looping and loading the machine the next one measures.
  await alternate(ctx.rounds, hosts, (host) =>
    withScope(async (scope) => {
      const scratch = scope.tempDir(`crash-${host.impl.name}`);
      const counter = join(scratch, 'starts');
      writeFileSync(counter, '');
      const parent = join(scratch, 'services'); // holds only the service: an in-process tree scans it
      mkdirSync(parent);
      makeService(join(parent, 'svc'), { run: `printf x >> ${counter}\nexit 0` });
      const supervisor = await startHost(scope, host, parent, 'svc');
      // Past start-up (Node's is costly and not what this measures) and into the loop.
      await waitFor(`${host.impl.name} ${host.label}: a second start`, () => starts(counter) >= 2, { timeout: 15_000 });
      const count0 = starts(counter);
      const cpu0 = cpuNs(supervisor);
      await sleep(windowMs);
      const scale = WINDOW_MS / windowMs;
      restarts.push(host, (starts(counter) - count0) * scale);
      cpu.push(host, ((cpuNs(supervisor) - cpu0) / 1e6) * scale);
    }),
  );
  return [...restarts.list(), ...cpu.list()];
}

export const crashLoop: Scenario = {
  name: 'crash-loop',
  title: 'a ./run that exits at once: restarts per 10 s and the supervisor CPU',
  needs: ['runsv'],
  rounds: { normal: 2, quick: 1 },
  run,
};
