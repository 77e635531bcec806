/**
 * restart: kill -9 a service that has run for more than a second (so runsv's one-second pause
 * does not apply) and time until the status names its successor.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { alternate, metric, samplesOf, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { isRunning, waitStatus } from '../lib/status.js';
import { MIN_UPTIME_MS, superviseSleeper, type SupervisedSleeper } from '../lib/supervise.js';

async function run(ctx: Context): Promise<Metric[]> {
  const restart = metric('kill -9 → new pid in status', 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 2 } });
  // Both supervisors run at once, so one side's uptime wait passes while the other is measured.
  const services = new Map<string, SupervisedSleeper>();
  for (const impl of [ctx.ours, ctx.runit]) services.set(impl.name, await superviseSleeper(ctx.scope, impl, 'restart'));
  await alternate(ctx.rounds, [ctx.ours, ctx.runit], async (impl) => {
    const service = services.get(impl.name)!;
    const wait = service.since + MIN_UPTIME_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const old = service.pid;
    const start = performance.now();
    process.kill(old, 'SIGKILL'); // the service that runsv started for us, by pid
    const seen = await waitStatus(service.dir, `${impl.name}: a new pid after kill -9`, (s) => isRunning(s) && s.pid !== old);
    samplesOf(restart, impl).push(seen.at - start);
    service.pid = seen.status.pid;
    service.since = seen.at;
  });
  return [restart];
}

export const restart: Scenario = {
  name: 'restart',
  title: 'kill -9 a service that has run > 1 s; time until the status shows the new pid',
  needs: ['runsv'],
  rounds: { normal: 15, quick: 2 },
  run,
};
