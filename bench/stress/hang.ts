/**
 * A service that ignores TERM and whose `./finish` hangs, among others: `sv -w 3 down` times out,
 * `sv force-stop` escalates to KILL, another service's restart is not delayed meanwhile, and the
 * tree's stop is bounded (ours: the grace period, 7 s, plus its margin) or, under runit, what is
 * left running is counted.
 */
import type { SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, killPid, spawnTracked, type Tracked } from '../../test/helpers/procs.js';
import { readStatus } from '../../test/helpers/supervise-files.js';
import { withScope, type Scope } from '../lib/scope.js';
import { makeService, procsWithin, sv, timeUntil, type RunResult, type Side, type StressContext, type StressScenario } from './common.js';

const OTHERS = 20;
const GRACE_SECONDS = 7;
/** A TERM ignored by the shell stays ignored across exec: the sleep ignores it too. */
const STUCK_RUN = "trap '' TERM\nexec sleep 77990001\n";
const STUCK_FINISH = 'exec sleep 77990002\n';

function startHost(scope: Scope, side: Side, scan: string): Tracked {
  const options: SpawnOptions = { env: { ...side.impl.env, RUNSVDIR_GRACE: String(GRACE_SECONDS) }, stdio: ['ignore', 'ignore', 'pipe'], detached: true };
  if (side.name === 'ours-init') return spawnTracked(scope, side.impl.bin('runit'), ['-g', String(GRACE_SECONDS), scan], options);
  const args = side.name === 'ours-in-process' ? ['--in-process', scan] : [scan];
  return spawnTracked(scope, side.impl.bin('runsvdir'), args, options);
}

/** sv's outcome, its first line with the temp dir's path left out. */
function brief(result: RunResult, root: string): string {
  const line = (result.stdout.trim().split('\n')[0] ?? '').split(`${root}/sv/`).join('');
  return `exit ${result.code ?? result.signal} in ${(result.ms / 1000).toFixed(1)} s: ${line}`;
}

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const root = scope.tempDir(`hang-${side.name}`);
  const scan = join(root, 'sv');
  const stuck = makeService(join(scan, 'stuck'), STUCK_RUN, STUCK_FINISH);
  const others = Array.from({ length: OTHERS }, (_, i) => makeService(join(scan, `ok${i}`), 'exec sleep 100000\n'));
  const host = startHost(scope, side, scan);
  if ((await timeUntil(() => [stuck, ...others].every((dir) => readStatus(dir)?.state === 1), 120_000, 200)) === undefined) throw new Error(`${side.name}: the tree never ran: ${host.stderr()}`);
  const stuckPid = readStatus(stuck)!.pid;
  const record = (metric: string, value: string | number, isOk?: boolean): void => context.record({ side: side.name, metric, value, ...(isOk === undefined ? {} : { isOk }) });

  // sv -w 3 down on the stuck one, and meanwhile a restart of another, waited for.
  const [down, restart] = await Promise.all([sv(side.impl, ['-w', '3', 'down', stuck]), sleep(200).then(() => sv(side.impl, ['-w', '7', 'restart', others[0]!]))]);
  record('sv -w 3 down (service ignores TERM)', brief(down, root), down.code === 1);
  record('meanwhile sv -w 7 restart of another service', brief(restart, root), restart.code === 0 && restart.ms < 3000);
  const forceStop = await sv(side.impl, ['force-stop', stuck]);
  const isKilled = (await timeUntil(() => !isAlive(stuckPid), 5000)) !== undefined;
  record('sv force-stop escalates (default 7 s wait, then kill)', `${brief(forceStop, root)}; the service ${isKilled ? 'was killed' : 'still runs'}`, isKilled);
  const hanging = (await timeUntil(() => readStatus(stuck)?.state === 2, 5000)) !== undefined;
  record('./finish hangs: status says finish', hanging ? 'yes' : 'no');
  const again = await sv(side.impl, ['-w', '7', 'restart', others[1]!]);
  record('while finish hangs, sv -w 7 restart of another service', brief(again, root), again.code === 0 && again.ms < 3000);

  // The tree's stop: ours within the grace period (plus 1 s); runit's runsvdir exits at once on HUP.
  const stopping = Date.now();
  killPid(host.pid, side.name === 'ours-init' ? 'SIGTERM' : 'SIGHUP');
  const exit = await Promise.race([host.exited, sleep(60_000).then(() => undefined)]);
  const stopSeconds = (Date.now() - stopping) / 1000;
  await sleep(2000);
  const left = procsWithin(root);
  const bound = GRACE_SECONDS + 2;
  record(`tree stop (${side.name === 'ours-init' ? 'TERM' : 'HUP'}): until the host exited`, exit === undefined ? 'not within 60 s' : `${stopSeconds.toFixed(1)} s, exit ${exit.code ?? exit.signal}`, side.impl.name === 'ours' ? exit !== undefined && stopSeconds <= bound : undefined);
  record('processes of the tree left 2 s after the host exited', left.length === 0 ? 0 : `${left.length}: ${left.map((p) => p.command).join(', ')}`, side.impl.name === 'ours' ? left.length === 0 : undefined);
  const warnings = host.stderr().split('\n').filter((line) => line.includes('warning')).map((line) => line.split(`${root}/sv/`).join(''));
  if (side.impl.name === 'ours') record('its warnings', warnings.join(' / ') || 'none');
}

export const HANG: StressScenario = {
  name: 'hang',
  what: `a service that ignores TERM with a finish that hangs, among ${OTHERS} others: sv -w 3 down, sv force-stop, another service restarted meanwhile, then the tree stopped (grace ${GRACE_SECONDS} s)`,
  async run(context) {
    for (const side of context.sides(['ours-in-process', 'ours-init', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
