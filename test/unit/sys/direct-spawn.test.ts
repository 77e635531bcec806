// sys/direct-spawn.ts: the posix_spawn path runsv starts ./run with (issue 22). What the child
// inherits is compared with runit's in test/compat/runsv-child-start.test.ts; here, its edges.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canSpawnDirect, spawnDirect } from '../../../src/sys/direct-spawn.js';
import { close, O_CLOEXEC, O_NONBLOCK, pipe2 } from '../../../src/sys/index.js';
import { isSpawnedChild } from '../../../src/sys/spawned.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const isLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
const OPTS = { skip: !isLinuxX64 && 'posix_spawn is used on Linux x64 only' };

function run(cwd: string, script: string, stdio: (number | 'ignore')[] = ['ignore', 1, 2]) {
  let pid = 0;
  const exited = new Promise<{ code: number | null; signal: number }>((resolve) => {
    pid = spawnDirect('/bin/sh', ['-c', script], { cwd, stdio, argv0: 'sh', env: { PATH: '/usr/bin:/bin' } }, (code, signal) =>
      resolve({ code, signal }),
    );
  });
  return { pid, exited };
}

test('an exit code and a signal death are told apart; the child is known as ours until reaped', OPTS, async (t) => {
  const dir = makeTempDir(t);
  const exiting = run(dir, 'exit 7');
  assert.equal(isSpawnedChild(exiting.pid), true, 'the init reaper must leave it alone');
  assert.deepEqual(await exiting.exited, { code: 7, signal: 0 });
  assert.equal(isSpawnedChild(exiting.pid), false);
  assert.deepEqual(await run(dir, 'kill -USR1 $$').exited, { code: null, signal: 10 });
});

test('cwd, argv0, environment and an ignored slot reach the child', OPTS, async (t) => {
  const dir = makeTempDir(t);
  await run(dir, 'echo "$0 $(pwd) $PATH $(readlink /proc/self/fd/0)" > seen').exited;
  assert.equal(readFileSync(join(dir, 'seen'), 'utf8'), `sh ${dir} /usr/bin:/bin /dev/null\n`);
});

test('a failed exec throws its errno and leaves no child behind', OPTS, (t) => {
  const dir = makeTempDir(t);
  assert.throws(
    () => spawnDirect('./missing', [], { cwd: dir, stdio: [0, 1, 2], argv0: './missing', env: {} }, () => assert.fail('no exit')),
    { code: 'ENOENT' },
  );
});

test('descriptors posix_spawn cannot place as libuv would are left to libuv', OPTS, () => {
  // Not this process's 1 and 2: under the test runner they are non-blocking pipes.
  const out = openSync('/dev/null', 'w');
  const [readEnd, writeEnd] = pipe2(O_CLOEXEC | O_NONBLOCK);
  try {
    assert.equal(canSpawnDirect(['ignore', out, out]), true);
    assert.equal(canSpawnDirect(['ignore', out, out, 'pipe']), false, 'not a descriptor');
    assert.equal(canSpawnDirect([1, 0, out]), false, "slot 1's descriptor is replaced by slot 0's dup2 first");
    assert.equal(canSpawnDirect(['ignore', writeEnd, out]), false, 'libuv makes stdio blocking in the child');
    assert.equal(canSpawnDirect(['ignore', out, out, writeEnd]), true, 'past stdio it stays as it is, as under libuv');
  } finally {
    closeSync(out);
    close(readEnd);
    close(writeEnd);
  }
});
