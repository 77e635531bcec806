/**
 * restart: kill -9 a service that has run for more than a second (so runsv's one-second pause
 * does not apply) and time until the status names its successor.
 */
import { performance } from 'node:perf_hooks';
import { alternate, metric, PerVariant, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { pastMinUptime, singleHosts, superviseSleepers } from '../lib/single.js';
import { isRunning, waitStatus } from '../lib/status.js';

async function run(ctx: Context): Promise<Metric[]> {
  const hosts = singleHosts(ctx.ours, ctx.runit);
  const restart = new PerVariant(hosts, (h) => metric(`kill -9 → new pid in status, ${h.label}`, 'ms', 'lower', { goal: { kind: 'ratio-at-most', value: 1.3 } }));
  const services = await superviseSleepers(ctx.scope, hosts, 'restart');
  await alternate(ctx.rounds, hosts, async (host) => {
    const service = services.get(host)!;
    await pastMinUptime(service);
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
