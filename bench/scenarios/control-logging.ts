/**
 * control-logging: `d` and `u` to one service while another service of the same tree logs as
 * fast as it can through svlogd (issue 16: the svlogd engine run inside the one process must not
 * starve supervision). The same tree without the flood is timed too, so each side's busy figure
 * can be read against its own idle one. Ours: `runsvdir --in-process` (the flood's log service
 * runs in that process); runit: its runsvdir, a runsv per service and per log, a real svlogd.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeService } from '../../test/helpers/service-dir.js';
import { sendControl } from '../../test/helpers/supervise-files.js';
import type { Impl } from '../lib/impl.js';
import { alternate, metric, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { LOGGED_RUN } from '../lib/sleepers.js';
import { isDown, isRunning, waitStatus } from '../lib/status.js';
import { MIN_UPTIME_MS, makeSleeper } from '../lib/supervise.js';
import { startTree } from '../lib/tree.js';

/** A service that writes lines as fast as the pipe takes them. */
const FLOOD = 'exec yes "a line of about fifty bytes, written as fast as it goes"';

interface Side {
  impl: Impl;
  isBusy: boolean;
  dir: string;
  since: number;
}

async function startSide(ctx: Context, impl: Impl, isBusy: boolean): Promise<Side> {
  const scanDir = ctx.scope.tempDir(`control-logging-${impl.name}-${isBusy ? 'busy' : 'idle'}`);
  const dir = makeSleeper(join(scanDir, 'svc'));
  if (isBusy) {
    const flood = makeService(join(scanDir, 'flood'), { run: FLOOD, log: { run: LOGGED_RUN } });
    mkdirSync(join(flood, 'log/main'));
    // Rotated every 10 MB, two kept: the disk sees the flood, but only ~30 MB of it at a time.
    writeFileSync(join(flood, 'log/main/config'), 's10000000\nn2\n');
  }
  startTree(ctx.scope, impl, scanDir, impl.name === 'ours' ? 'in-process' : 'default');
  const seen = await waitStatus(dir, `${impl.name} ${isBusy ? 'busy' : 'idle'}: service running`, isRunning);
  return { impl, isBusy, dir, since: seen.at };
}

async function run(ctx: Context): Promise<Metric[]> {
  const note = 'each side against itself: compare a side busy with the same side idle';
  const metrics = {
    idleDown: metric('d → status down, idle tree', 'ms', 'lower'),
    busyDown: metric('d → status down, another service logging flat out', 'ms', 'lower', { note }),
    idleUp: metric('u → status running, idle tree', 'ms', 'lower'),
    busyUp: metric('u → status running, another service logging flat out', 'ms', 'lower'),
  };
  const sides: Side[] = [];
  for (const impl of [ctx.ours, ctx.runit]) for (const isBusy of [false, true]) sides.push(await startSide(ctx, impl, isBusy));
  await alternate(ctx.rounds, sides, async (side) => {
    const wait = side.since + MIN_UPTIME_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const samples = (m: Metric): number[] => (side.impl.name === 'ours' ? m.ours : m.runit);
    let start = performance.now();
    sendControl(side.dir, 'd');
    const downAt = (await waitStatus(side.dir, `${side.impl.name}: down after d`, isDown)).at;
    samples(side.isBusy ? metrics.busyDown : metrics.idleDown).push(downAt - start);
    start = performance.now();
    sendControl(side.dir, 'u');
    side.since = (await waitStatus(side.dir, `${side.impl.name}: running after u`, isRunning)).at;
    samples(side.isBusy ? metrics.busyUp : metrics.idleUp).push(side.since - start);
  });
  return [metrics.idleDown, metrics.busyDown, metrics.idleUp, metrics.busyUp];
}

export const controlLogging: Scenario = {
  name: 'control-logging',
  title: 'd / u to one service while another logs flat out through svlogd',
  needs: ['runsvdir', 'runsv', 'svlogd'],
  rounds: { normal: 10, quick: 2 },
  run,
};
