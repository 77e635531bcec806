// sd_listen_fds(3) as the daemon reads it (src/daemon/listen-fds.ts): how many (LISTEN_FDS), for
// whom (LISTEN_PID), named how (LISTEN_FDNAMES); the descriptors made close-on-exec; the
// variables removed afterwards. The descriptors must really sit at 3 and 4, so a small child
// process reads them, started the way a supervisor starts a service.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgetPassedFds, HANDOVER_FD_VARIABLE, passedFds } from '../../../src/daemon/listen-fds.js';
import { REPO_ROOT } from '../../helpers/binaries.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const READER = `
import { readFileSync } from 'node:fs';
const { passedFds, forgetPassedFds } = await import(process.argv[1]);
const passed = passedFds();
const cloexec = passed.map(({ fd }) => (parseInt(/^flags:\\s+([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/' + fd, 'latin1'))[1], 8) & 0o2000000) !== 0);
forgetPassedFds();
console.log(JSON.stringify({ passed, cloexec, left: Object.keys(process.env).filter((name) => name.startsWith('LISTEN_') || name === '${HANDOVER_FD_VARIABLE}') }));
`;

function readInChild(t: { after(fn: () => void): void }, env: NodeJS.ProcessEnv, setPid = true): { passed: unknown; cloexec: boolean[]; left: string[] } {
  const dir = makeTempDir(t);
  const fds = [openSync(join(dir, 'a'), 'w'), openSync(join(dir, 'b'), 'w')];
  t.after(() => fds.forEach((fd) => closeSync(fd)));
  const module = join(REPO_ROOT, 'dist/src/daemon/listen-fds.js');
  const script = setPid ? 'LISTEN_PID=$$ exec "$0" "$@"' : 'exec "$0" "$@"';
  const result = spawnSync('/bin/sh', ['-c', script, process.execPath, '--input-type=module', '-e', READER, module], {
    stdio: ['ignore', 'pipe', 'inherit', fds[0]!, fds[1]!],
    env: { PATH: process.env['PATH'], ...env },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0);
  return JSON.parse(result.stdout) as { passed: unknown; cloexec: boolean[]; left: string[] };
}

test('two passed, named (an empty name is "unknown"), made close-on-exec, variables removed', (t) => {
  const read = readInChild(t, { LISTEN_FDS: '2', LISTEN_FDNAMES: 'web:', [HANDOVER_FD_VARIABLE]: '9' });
  assert.deepEqual(read.passed, [
    { fd: 3, name: 'web' },
    { fd: 4, name: 'unknown' },
  ]);
  assert.deepEqual(read.cloexec, [true, true]);
  assert.deepEqual(read.left, []);
});

test('LISTEN_PID of another process (a variable a grandchild inherited): nothing is taken', (t) => {
  const read = readInChild(t, { LISTEN_FDS: '2', LISTEN_PID: '1' }, false);
  assert.deepEqual(read.passed, []);
});

test('counts that are not a count take nothing; forgetPassedFds removes only its variables', () => {
  for (const count of ['0', '-1', 'x', '1x', '01', '99999', '']) {
    assert.deepEqual(passedFds({ LISTEN_FDS: count }, 1), [], count);
  }
  assert.deepEqual(passedFds({ LISTEN_FDS: '1', LISTEN_PID: '2' }, 1), []);
  const env: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '1', LISTEN_FDNAMES: 'a', [HANDOVER_FD_VARIABLE]: '5', KEEP: '1' };
  forgetPassedFds(env);
  assert.deepEqual(env, { KEEP: '1' });
});
