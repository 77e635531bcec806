/**
 * restart: kill -9 a service that has run for more than a second (so runsv's one-second pause
 * does not apply) and time until the status names its successor.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { alternate, metric, PerVariant, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { singleHosts, superviseSleeper, type Host, type SupervisedSleeper } from '../lib/single.js';
import { isRunning, waitStatus } from '../lib/status.js';
import { MIN_UPTIME_MS } from '../lib/supervise.js';

async function run(ctx: Context): Promise<Metric[]> {
  const hosts = singleHosts(ctx.ours, ctx.runit);
  const restart = new PerVariant(hosts, (h) => metric(`kill -9 → new pid in status, ${h.label}`, 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 2 } }));
  // All supervisors run at once, so one's uptime wait passes while another is measured.
  const services = new Map<Host, SupervisedSleeper>();
  for (const host of hosts) services.set(host, await superviseSleeper(ctx.scope, host, 'restart'));
  await alternate(ctx.rounds, hosts, async (host) => {
    const service = services.get(host)!;
    const wait = service.since + MIN_UPTIME_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const old = service.pid;
    const start = performance.now();
    process.kill(old, 'SIGKILL'); // the service that our supervisor started for us, by pid
    const seen = await waitStatus(service.dir, `${host.impl.name} ${host.label}: a new pid after kill -9`, (s) => isRunning(s) && s.pid !== old);
    restart.push(host, seen.at - start);
    service.pid = seen.status.pid;
    service.since = seen.at;
  });
  return restart.list();
}

export const restart: Scenario = {
  name: 'restart',
  title: 'kill -9 a service that has run > 1 s; time until the status shows the new pid',
  needs: ['runsv'],
  rounds: { normal: 15, quick: 2 },
  run,
};
