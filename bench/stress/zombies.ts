/**
 * 0 zombies: a service double-forks N short-lived orphans under an init that is PID 1 of a PID
 * namespace (`unshare --pid --fork --mount-proc`), so every orphan is re-parented to that init;
 * once they have all ended, nothing of theirs may be left a zombie. Ours is `runit DIR`; runit's is
 * /sbin/runit over a stage directory bind-mounted on /etc/runit inside the namespace's own mounts
 * (1 and 3 do nothing, 2 runs runsvdir on the same tree).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childPids } from '../../src/runit/reaper.js';
import { isAlive, killPid, spawnTracked, type Tracked } from '../../test/helpers/procs.js';
import { reapPids } from '../lib/reap.js';
import { withScope, type Scope } from '../lib/scope.js';
import { listProcs, makeService, timeUntil, writeScript, type Side, type StressContext, type StressScenario } from './common.js';

/** The orphans sleep this long (a word no other process of the tree has on its command line). */
const ORPHAN_SLEEP = '0.7';

function orphanMaker(orphans: number): string {
  return `if [ ! -e ./done ]; then
  i=0
  while [ $i -lt ${orphans} ]; do ( sleep ${ORPHAN_SLEEP} & ) ; i=$((i+1)); done
  touch ./done
fi
exec sleep 100000
`;
}

function startInit(scope: Scope, side: Side, root: string, scan: string): Tracked {
  if (side.name === 'ours-init') {
    return spawnTracked(scope, 'unshare', ['--pid', '--fork', '--mount-proc', side.impl.bin('runit'), scan], { env: side.impl.env, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const stages = join(root, 'stages');
  mkdirSync(stages);
  writeScript(join(stages, '1'), 'exit 0\n');
  writeScript(join(stages, '2'), `exec runsvdir ${scan}\n`);
  writeScript(join(stages, '3'), 'exit 0\n');
  // The bind mount lives in the namespace's private mount table and goes with it.
  const inner = `mount --bind ${stages} /etc/runit && exec /sbin/runit`;
  return spawnTracked(scope, 'unshare', ['--pid', '--fork', '--mount-proc', '--propagation', 'private', '/bin/sh', '-c', inner], { env: side.impl.env, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function runSide(context: StressContext, scope: Scope, side: Side): Promise<void> {
  const root = scope.tempDir(`zombies-${side.name}`);
  const scan = join(root, 'sv');
  const service = makeService(join(scan, 'orphans'), orphanMaker(context.sizes.orphans));
  const unshare = startInit(scope, side, root, scan);
  const initPid = (await timeUntil(() => childPids(unshare.pid).length > 0, 10_000)) === undefined ? undefined : childPids(unshare.pid)[0];
  if (initPid === undefined) throw new Error(`${side.name}: no init in the namespace: ${unshare.stderr()}`);
  // Whatever happens below, the namespace goes: KILL of its PID 1 kills everything inside it.
  scope.defer(async () => {
    killPid(initPid, 'SIGKILL');
    await reapPids([unshare.pid], 10_000);
  });
  let peakOrphans = 0;
  let peakZombies = 0;
  const census = (): { orphans: number; zombies: number } => {
    const children = listProcs().filter((p) => p.ppid === initPid);
    const zombies = children.filter((p) => p.state === 'Z').length;
    const orphans = children.filter((p) => p.state !== 'Z' && p.command === `sleep ${ORPHAN_SLEEP}`).length;
    peakOrphans = Math.max(peakOrphans, orphans);
    peakZombies = Math.max(peakZombies, zombies);
    return { orphans, zombies };
  };
  const done = await timeUntil(() => existsSync(join(service, 'done')) && census().orphans === 0, 120_000, 100);
  // Let a last SIGCHLD be handled (and the init's 1-second sweep run), then count.
  await sleep(2000);
  const left = census();
  context.record({ side: side.name, metric: `orphans re-parented to PID 1 (most at once, of ${context.sizes.orphans})`, value: done === undefined ? 'never all ended' : peakOrphans });
  context.record({ side: side.name, metric: 'zombies at most, while they ended', value: peakZombies });
  context.record({ side: side.name, metric: 'zombies left 2 s after the last ended', value: left.zombies, isOk: done !== undefined && left.zombies === 0 && isAlive(initPid) });
  if (side.name === 'ours-init') {
    const stopping = Date.now();
    killPid(initPid, 'SIGTERM');
    const exit = await unshare.exited;
    context.record({ side: side.name, metric: 'TERM to PID 1 → namespace gone', value: `${((Date.now() - stopping) / 1000).toFixed(1)} s, exit ${exit.code ?? exit.signal}` });
  }
}

export const ZOMBIES: StressScenario = {
  name: 'zombies',
  what: 'a service double-forks N orphans (sleep 0.7) under the init as PID 1 of a PID namespace; zombies counted among PID 1 children once all ended',
  async run(context) {
    for (const side of context.sides(['ours-init', 'runit'])) await withScope((scope) => runSide(context, scope, side));
  },
};
