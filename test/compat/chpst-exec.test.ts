// chpst becomes the program: same pid, the same descriptors as real chpst hands over (and none
// of Node's), stdio intact, and a lock that lasts as long as the program (GEN-7, CHP-9, CHP-12).
import assert from 'node:assert/strict';
import { chownSync, closeSync, mkdirSync, openSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LOCK_EX, LOCK_NB, flock } from '../../src/sys/index.js';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { ChpstPair, TEST_ENV, type Side } from '../helpers/chpst-run.js';
import { isAlive, killPid, spawnTracked } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait-for.js';

let pair: ChpstPair;

before(() => {
  pair = new ChpstPair();
});

after(() => pair.remove());

/** `ls -l /proc/self/fd` reduced to "fd -> kind" (pipe inodes and pids differ between runs). */
function fdTable(listing: string): string[] {
  return listing
    .split('\n')
    .filter((line) => line.includes(' -> '))
    .map((line) => {
      const [left, target] = line.split(' -> ') as [string, string];
      const fd = left.trim().split(/\s+/).pop();
      return `${fd} -> ${target.replace(/^(pipe|socket):\[\d+\]$/, '$1').replace(/^\/proc\/\d+\//, '/proc/PID/')}`;
    });
}

test('the program inherits exactly what real chpst passes on: stdio, extra fds, the lock fd', { skip: NEEDS_RUNIT }, () => {
  const extra = openSync(join(pair.dir, 'extra'), 'w');
  try {
    for (const args of [[], ['-l', 'lk'], ['-L', 'lk', '-0'], ['-2'], ['-u', 'nobody'], ['-P', '-e', '.', '-L', 'lk2']]) {
      // Descriptors 3 and 6 are inherited, 4 and 5 are gaps chpst's lock may fill.
      const stdio = ['pipe', 'pipe', 'pipe', extra, 'ignore', 'ignore', extra] as const;
      const run = (side: Side): string[] =>
        fdTable(pair.run(side, 'chpst', [...args, 'ls', '-l', '/proc/self/fd'], { cwd: pair.dir, stdio: [...stdio] }).stdout);
      const real = run('real');
      assert.deepEqual(run('ours'), real, args.join(' '));
      assert.ok(real.includes(`6 -> ${join(pair.dir, 'extra')}`), real.join('\n'));
    }
  } finally {
    closeSync(extra);
  }
});

test('the lock file is created 0600 and its fd is not close-on-exec (GEN-6, CHP-9)', { skip: NEEDS_RUNIT }, () => {
  for (const side of ['real', 'ours'] as const) {
    const outcome = pair.run(side, 'chpst', ['-l', `lock-${side}`, 'cat', '/proc/self/fdinfo/3'], { cwd: pair.dir });
    assert.match(outcome.stdout, /^flags:\s+0106001$/m, `${side}: O_WRONLY|O_NONBLOCK|O_APPEND|O_LARGEFILE, no O_CLOEXEC`);
    assert.match(outcome.stdout, /^lock:.*FLOCK\s+ADVISORY\s+WRITE/m, `${side}: an exclusive flock held by the program`);
    assert.equal(statSync(join(pair.dir, `lock-${side}`)).mode & 0o777, 0o600);
  }
});

function isLockFree(path: string): boolean {
  const fd = openSync(path, 'a');
  try {
    flock(fd, LOCK_EX | LOCK_NB);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

test('the program keeps chpst\'s pid and holds the lock until it ends', { skip: NEEDS_RUNIT }, async (t) => {
  for (const side of ['real', 'ours'] as const) {
    const lock = join(pair.dir, `held-${side}`);
    const child = spawnTracked(t, pair.path(side), ['-l', lock, 'sleep', '60'], { env: TEST_ENV });
    await waitFor(`${side}: the lock is taken`, () => !isLockFree(lock), { timeout: 15_000 });
    await waitFor(`${side}: sleep runs as chpst's pid`, () => readFileSync(`/proc/${child.pid}/comm`, 'utf8') === 'sleep\n');
    assert.equal(readlinkSync(`/proc/${child.pid}/exe`), '/usr/bin/sleep');
    killPid(child.pid, 'SIGTERM');
    assert.deepEqual(await child.exited, { code: null, signal: 'SIGTERM' });
    assert.equal(isAlive(child.pid), false);
    assert.equal(isLockFree(lock), true, `${side}: the lock went with the program`);
  }
});

test('-l and setlock -n wait for a held lock, then run (CHP-9, CHP-19)', { skip: NEEDS_RUNIT }, async (t) => {
  for (const [side, name, flag] of [
    ['real', 'chpst', '-l'],
    ['ours', 'chpst', '-l'],
    ['real', 'setlock', '-n'],
    ['ours', 'setlock', '-n'],
  ] as const) {
    const lock = join(pair.dir, `contended-${side}-${name}`);
    const holder = openSync(lock, 'a');
    flock(holder, LOCK_EX);
    const child = spawnTracked(t, pair.path(side, name), [flag, lock, 'sh', '-c', 'echo got it'], { env: TEST_ENV });
    try {
      // Blocked inside flock(2) (syscall 73 on x86-64), not merely slow to start.
      const inFlock = (): boolean => readFileSync(`/proc/${child.pid}/syscall`, 'utf8').startsWith('73 ');
      await waitFor(`${side} ${name} ${flag}: blocked in flock`, inFlock, { timeout: 15_000 });
      assert.equal(isAlive(child.pid), true);
    } finally {
      closeSync(holder); // hands the lock over
    }
    assert.deepEqual(await child.exited, { code: 0, signal: null }, `${side} ${name} ${flag}`);
    assert.equal(child.stdout(), 'got it\n');
  }
});

test('under real runsv, the supervised pid is the program itself, running as the new user', { skip: NEEDS_RUNIT }, async (t) => {
  const service = join(pair.dir, 'service');
  mkdirSync(service);
  writeFileSync(join(service, 'run'), `#!/bin/sh\nexec ${pair.path('ours')} -u nobody -l lock sleep 60\n`, { mode: 0o755 });
  // The lock is taken after the uid change (CHP-3), so nobody must be able to open it.
  writeFileSync(join(service, 'lock'), '');
  chownSync(join(service, 'lock'), 65534, 65534);
  const runsv = spawnTracked(t, '/usr/bin/runsv', [service], { env: TEST_ENV });
  const pid = await waitFor('runsv to record a pid', () => {
    try {
      return Number(readFileSync(join(service, 'supervise', 'pid'), 'utf8')) || undefined;
    } catch {
      return undefined;
    }
  }, { timeout: 15_000 });
  await waitFor('the service to become sleep', () => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n', { timeout: 15_000 });
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65534\s/m);
  assert.equal(isLockFree(join(service, 'lock')), false, 'the lock lasts as long as the program');
  // Ask runsv to stop the service and exit; it signals the pid it knows, which is sleep itself.
  writeFileSync(join(service, 'supervise', 'control'), 'x');
  assert.deepEqual(await runsv.exited, { code: 0, signal: null });
  await waitFor('the service to be gone', () => !isAlive(pid));
});
