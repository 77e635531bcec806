/**
 * svlogd-inline: a service writes N lines as fast as it can into its log service; lines per
 * second from its first line to the last one on disk. Ours: the svlogd engine inside
 * `runsvdir --in-process` (issue 16), and, for reference, our svlogd as a process of its own
 * (`--no-inline-logs`), and the engine inside the service's own runsv (runit's topology under
 * our runsvdir); runit: its runsvdir, runsv and svlogd. The clock starts when the
 * service starts writing (it stamps a file first), so tree start-up is not counted.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeService } from '../../test/helpers/service-dir.js';
import { alternate, metric, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startTree, type TreeMode } from '../lib/tree.js';
import type { Impl } from '../lib/impl.js';

const LINE = 'a log line of about fifty bytes for the throughput bench';

interface Side {
  label: string;
  impl: Impl;
  mode: TreeMode;
  extraEnv?: NodeJS.ProcessEnv;
  /** Which metric the side's figure goes to (runit's goes to each). */
  metric: 'inline' | 'process' | 'runsv' | 'runit';
}

async function measure(ctx: Context, side: Side, lines: number): Promise<number> {
  return withScope(async (scope) => {
    const scanDir = scope.tempDir(`svlogd-inline-${side.impl.name}`);
    const svc = makeService(join(scanDir, 'gen'), {
      run: `date +%s%N > ../gen-started\nyes '${LINE}' | head -n ${lines}\nexec sleep 100000`,
      log: { run: 'exec svlogd ./main' },
    });
    mkdirSync(join(svc, 'log/main'));
    writeFileSync(join(svc, 'log/main/config'), 's1000000000\n');
    const impl = side.extraEnv === undefined ? side.impl : { ...side.impl, env: { ...side.impl.env, ...side.extraEnv } };
    startTree(scope, impl, scanDir, side.mode);
    const expected = lines * (LINE.length + 1);
    const current = join(svc, 'log/main/current');
    const deadline = Date.now() + 120_000;
    for (;;) {
      let size = 0;
      try {
        size = statSync(current).size;
      } catch {
        // not created yet
      }
      if (size >= expected) break;
      if (Date.now() > deadline) throw new Error(`${side.label}: ${size} of ${expected} bytes logged after 120 s`);
      await sleep(5);
    }
    const doneNs = BigInt(Date.now()) * 1_000_000n;
    const startedNs = BigInt(readFileSync(join(scanDir, 'gen-started'), 'latin1').trim());
    const seconds = Number(doneNs - startedNs) / 1e9;
    ctx.log(`${side.label}: ${lines} lines in ${seconds.toFixed(3)} s`);
    return lines / seconds / 1000;
  });
}

async function run(ctx: Context): Promise<Metric[]> {
  const lines = ctx.options.isQuick ? 200_000 : 2_000_000;
  const sides: Side[] = [
    { label: 'ours, engine in runsvdir --in-process', impl: ctx.ours, mode: 'in-process', metric: 'inline' },
    { label: 'ours, svlogd process (--no-inline-logs)', impl: ctx.ours, mode: 'in-process', extraEnv: { NODE_RUNIT_INLINE_LOGS: '0' }, metric: 'process' },
    { label: "ours, engine in the service's runsv (runit's topology)", impl: ctx.ours, mode: 'default', metric: 'runsv' },
    { label: 'runit', impl: ctx.runit, mode: 'default', metric: 'runit' },
  ];
  const metrics = {
    inline: metric('lines/s into a logged service, engine in the one process', 'k/s', 'higher'),
    process: metric('lines/s into a logged service, our svlogd as a process', 'k/s', 'higher'),
    runsv: metric("lines/s into a logged service, engine in the service's runsv", 'k/s', 'higher'),
  };
  await alternate(ctx.rounds, sides, async (side) => {
    const value = await measure(ctx, side, lines);
    if (side.metric === 'runit') for (const m of Object.values(metrics)) m.runit.push(value);
    else metrics[side.metric].ours.push(value);
  });
  return [metrics.inline, metrics.process, metrics.runsv];
}

export const svlogdInline: Scenario = {
  name: 'svlogd-inline',
  title: 'lines/s from a service through its log service into the log directory',
  needs: ['runsvdir', 'runsv', 'svlogd'],
  rounds: { normal: 3, quick: 1 },
  run,
};
