// Issue 14, fault 5: --in-process shares one descriptor table among all its Supervisors. Under a
// low hard limit, the services that fit run and keep running (a restart still finds descriptors),
// the others wait without a flood of fatal lines, and the limit is named once.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SUPERVISE_FILE } from '../../src/protocol/layout.js';
import { FD_RESERVE, FDS_PER_SERVICE } from '../../src/runsvdir/fd-budget.js';
import { ourBin } from '../helpers/binaries.js';
import { descendants, killPid, spawnTracked } from '../helpers/procs.js';
import { makeService } from '../helpers/service-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const SERVICES = 30;
const LIMIT = 128;

function makeLoggedTree(t: { after(fn: () => void | Promise<void>): void }): string {
  const dir = makeTempDir(t, 'node-runit-fds-');
  for (let i = 0; i < SERVICES; i++) {
    makeService(join(dir, `s${String(i).padStart(2, '0')}`), { run: 'exec sleep 1001', log: { run: 'exec cat > /dev/null' } });
  }
  return dir;
}

/** The services' `sleep 1001` processes below the tree's process. */
function runningServices(root: number): number[] {
  return descendants(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1') === 'sleep\x001001\x00';
    } catch {
      return false;
    }
  });
}

/** The pid in NAME/supervise/pid, if any. */
function pidOf(dir: string, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, name, SUPERVISE_FILE.pid), 'latin1'));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function startTree(t: { after(fn: () => void | Promise<void>): void }, ulimit: string, dir: string) {
  // sh execs runsvdir: the tracked pid is the tree's.
  return spawnTracked(t, 'sh', ['-c', `ulimit ${ulimit} ${LIMIT}; exec "$0" "$@"`, process.execPath, ourBin('runsvdir'), '--in-process', dir]);
}

test('a hard limit of 128: what fits runs and restarts, the rest waits, the limit is said once', async (t) => {
  const dir = makeLoggedTree(t);
  const tree = startTree(t, '-n', dir);
  await waitFor('the out-of-descriptors warning', () => tree.stderr().includes('out of file descriptors'), { timeout: 20_000 });
  const running = await waitFor('some services to run', () => {
    const pids = runningServices(tree.pid);
    return pids.length > 0 ? pids : undefined;
  });
  assert.ok(running.length < SERVICES);
  // A running service killed is restarted by its Supervisor: the reserve left it descriptors.
  const [service, victim] = await waitFor('a running service with its pid recorded', () => {
    const live = runningServices(tree.pid);
    const name = readdirSync(dir).find((entry) => live.includes(pidOf(dir, entry) ?? 0));
    return name === undefined ? undefined : ([name, pidOf(dir, name)!] as const);
  });
  killPid(victim);
  await waitFor(
    `${service} to be restarted`,
    () => {
      const pid = pidOf(dir, service);
      return pid !== undefined && pid !== victim && runningServices(tree.pid).includes(pid);
    },
    { timeout: 20_000 },
  );
  const open = readdirSync(`/proc/${tree.pid}/fd`).length;
  assert.ok(open <= LIMIT - FD_RESERVE / 2, `${open} descriptors open: the reserve is gone`);
  assert.deepEqual(
    tree.stderr().trimEnd().split('\n'),
    [
      `runsvdir ${dir}: warning: out of file descriptors (limit ${LIMIT}, about ${FDS_PER_SERVICE} a service in one process): ` +
        'services that do not fit wait and are retried every 5 s; raise the hard limit (ulimit -Hn) to run them all',
    ],
    'one warning, and no fatal line',
  );
});

test('a soft limit of 128 under a higher hard one: every service runs (the soft limit is raised)', async (t) => {
  const dir = makeLoggedTree(t);
  const tree = startTree(t, '-Sn', dir);
  await waitFor('every service to run', () => runningServices(tree.pid).length === SERVICES, { timeout: 20_000 });
  assert.equal(tree.stderr(), '');
});
