/**
 * control: `d` and `u` written to supervise/control (as sv does), timed until the status record
 * says the service is down (pid 0) or running again with a new pid.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendControl } from '../../test/helpers/service-dir.js';
import { alternate, metric, samplesOf, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { isDown, isRunning, waitStatus } from '../lib/status.js';
import { MIN_UPTIME_MS, superviseSleeper, type SupervisedSleeper } from '../lib/supervise.js';

async function run(ctx: Context): Promise<Metric[]> {
  const down = metric('d → status down', 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 2 } });
  const up = metric('u → status running', 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 2 } });
  // One supervisor per side for the whole scenario: what is timed is the command, not start-up.
  // Both run at once, so one side's one-second wait passes while the other is measured.
  const services = new Map<string, SupervisedSleeper>();
  for (const impl of [ctx.ours, ctx.runit]) services.set(impl.name, await superviseSleeper(ctx.scope, impl, 'control'));
  await alternate(ctx.rounds, [ctx.ours, ctx.runit], async (impl) => {
    const service = services.get(impl.name)!;
    // `u` within a second of the last start waits out runsv's pause: not what is measured here.
    const wait = service.since + MIN_UPTIME_MS - performance.now();
    if (wait > 0) await sleep(wait);
    let start = performance.now();
    sendControl(service.dir, 'd');
    samplesOf(down, impl).push((await waitStatus(service.dir, `${impl.name}: down after d`, isDown)).at - start);
    start = performance.now();
    sendControl(service.dir, 'u');
    service.since = (await waitStatus(service.dir, `${impl.name}: running after u`, isRunning)).at;
    samplesOf(up, impl).push(service.since - start);
  });
  return [down, up];
}

export const control: Scenario = {
  name: 'control',
  title: 'write d / u to supervise/control; time until the status changes',
  needs: ['runsv'],
  rounds: { normal: 12, quick: 2 },
  run,
};
