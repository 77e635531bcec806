// Bad input, side by side: stderr bytes and exit codes of real chpst and ours, under every name
// (GEN-3, GEN-4, GEN-8, CHP-2..21).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { LOCK_EX, LOCK_NB, flock } from '../../src/sys/index.js';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { ChpstPair, TEST_ENV } from '../helpers/chpst-run.js';

let pair: ChpstPair;
let work: string;
let heldFd: number;

before(() => {
  pair = new ChpstPair();
  work = join(pair.dir, 'work');
  mkdirSync(join(work, 'ed', 'sub'), { recursive: true });
  writeFileSync(join(work, 'ed', 'X'), 'x\n');
  writeFileSync(join(work, 'envfile'), 'not a directory\n');
  mkdirSync(join(work, 'private'), { mode: 0o700 });
  mkdirSync(join(work, 'noexec'));
  writeFileSync(join(work, 'noexec', 'prog'), '#!/bin/sh\n');
  chmodSync(join(work, 'noexec', 'prog'), 0o644);
  // A lock held by this test process, so -L and setlock fail on it (CHP-9, CHP-19).
  heldFd = openSync(join(work, 'held'), 'a', 0o600);
  flock(heldFd, LOCK_EX | LOCK_NB);
});

after(() => {
  closeSync(heldFd);
  pair.remove();
});

/** Each case: the name chpst is called by, its arguments. */
const CASES: [string, string[]][] = [
  ['chpst', []],
  ['chpst', ['-V']],
  ['chpst', ['-V', 'true']],
  ['chpst', ['-x']],
  ['chpst', ['-u']],
  ['chpst', ['-C', '/', 'true']],
  ['chpst', ['-l', 'a', '-L', 'b', 'true']],
  ['chpst', ['-L', 'a', '-L', 'b', 'true']],
  ['chpst', ['-n', 'x', 'true']],
  ['chpst', ['-n', '5x', 'true']],
  ['chpst', ['-n', '--3', 'true']],
  ['chpst', ['-m', '1x', 'true']],
  ['chpst', ['-d', '-1', 'true']],
  ['chpst', ['-t', '=', 'true']],
  ['chpst', ['-m', 'x', '-q', 'true']],
  ['chpst', ['-q', '-m', 'x', 'true']],
  ['chpst', ['-u', 'nobody']],
  ['chpst', ['-u', 'nosuchuser', 'true']],
  ['chpst', ['-u', 'nobody:nosuchgroup', 'true']],
  ['chpst', ['-u', 'nobody:', 'true']],
  ['chpst', ['-u', ':1234', 'true']],
  ['chpst', ['-u', ':abc:1', 'true']],
  ['chpst', ['-u', ':1:2x', 'true']],
  ['chpst', ['-U', 'nosuchuser', 'true']],
  ['chpst', ['-U', ':12', 'true']],
  ['chpst', ['-e', '/nonexistent', 'true']],
  ['chpst', ['-e', 'envfile', 'true']],
  ['chpst', ['-e', 'ed', 'true']],
  ['chpst', ['-v', '-e', 'ed', 'true']],
  ['chpst', ['-/', '/nonexistent', 'true']],
  ['chpst', ['-/', 'envfile', 'true']],
  ['chpst', ['nonexistentprog']],
  ['chpst', ['/bin']],
  ['chpst', ['/nonexistent/prog']],
  ['chpst', ['']],
  ['chpst', ['-b', 'alias', 'nonexistentprog']],
  ['chpst', ['-l', '/nonexistent/lk', 'true']],
  ['chpst', ['-L', 'held', 'true']],
  ['chpst', ['-u', 'nobody', '-l', 'private/lk', 'true']],
  ['chpst', ['-2', 'nonexistentprog']],
  ['chpst', ['-m', '100000000', 'nonexistentprog']],
  ['chpst', ['-o', '0', 'true']],
  ['dchpst', ['-q']],
  ['envdir', []],
  ['envdir', ['ed']],
  ['envdir', ['/nonexistent', 'true']],
  ['envdir', ['envfile', 'true']],
  ['envdir', ['ed', 'true']],
  ['denvdir', ['ed', 'true']],
  ['envdir', ['-x', 'true']],
  ['envuidgid', []],
  ['envuidgid', ['nobody']],
  ['envuidgid', ['nosuchuser', 'true']],
  ['envuidgid', ['nobody:daemon', 'true']],
  ['setuidgid', ['nosuchuser', 'true']],
  ['setuidgid', [':0:0', 'true']],
  ['setuidgid', ['nobody', 'nonexistentprog']],
  ['pgrphack', []],
  ['pgrphack', ['nonexistentprog']],
  ['setlock', []],
  ['setlock', ['lk']],
  ['setlock', ['-q']],
  ['dsetlock', ['-q']],
  ['setlock', ['held', 'true']],
  ['setlock', ['-N', 'held', 'true']],
  ['setlock', ['-x', 'held', 'true']],
  ['setlock', ['-xX', 'held', 'true']],
  ['setlock', ['/nonexistent/lk', 'true']],
  ['setlock', ['-x', '/nonexistent/lk', 'true']],
  ['setlock', ['lk', 'nonexistentprog']],
  ['setlock', ['-x', 'lk', 'nonexistentprog']],
  ['softlimit', []],
  ['softlimit', ['-q']],
  ['softlimit', ['-m']],
  ['softlimit', ['-m', 'x', 'true']],
  ['softlimit', ['-m', '=', 'nonexistentprog']],
];

test('every bad input gives real chpst\'s stderr bytes and exit code', { skip: NEEDS_RUNIT }, () => {
  for (const [name, args] of CASES) {
    const { real, ours } = pair.both(name, args, { cwd: work });
    assert.deepEqual(ours, real, `${name} ${JSON.stringify(args)}`);
  }
});

test('PATH search: access denied is remembered past later misses (GEN-8)', { skip: NEEDS_RUNIT }, () => {
  const env = { ...TEST_ENV, PATH: `${join(work, 'noexec')}:/nonexistent:${TEST_ENV['PATH']}` };
  for (const args of [['prog'], ['-b', 'renamed', 'prog'], ['-e', 'ed', 'prog']]) {
    const { real, ours } = pair.both('chpst', args, { cwd: work, env });
    assert.deepEqual(ours, real, JSON.stringify(args));
    assert.equal(real.stderr.endsWith(': access denied\n'), true, real.stderr);
  }
});

test('a privilege drop that fails stops before exec with runit\'s message (CHP-4)', { skip: NEEDS_RUNIT }, () => {
  // Run each chpst as nobody (through real chpst), then ask it to become root.
  for (const args of [['-u', 'root', 'true'], ['-u', ':0:0', 'true'], ['-u', 'nobody:root', 'true']]) {
    const real = pair.run('real', 'chpst', ['-u', 'nobody', pair.path('real'), ...args], { cwd: '/' });
    const ours = pair.run('real', 'chpst', ['-u', 'nobody', pair.path('ours'), ...args], { cwd: '/' });
    assert.deepEqual(ours, real, JSON.stringify(args));
    assert.equal(real.status, 111);
  }
});

test('groups, then gid, then uid: without CAP_SETUID the drop fails at setuid (CHP-4)', { skip: NEEDS_RUNIT }, () => {
  // setpriv removes one capability from root's bounding set, so exactly one of the calls fails.
  for (const [capability, message] of [
    ['-setuid', 'chpst: fatal: unable to setuid: permission denied\n'],
    ['-setgid', 'chpst: fatal: unable to setgroups: permission denied\n'],
  ] as const) {
    const run = (side: 'real' | 'ours'): { status: number | null; stderr: string } => {
      const result = spawnSync('setpriv', [`--bounding-set=${capability}`, pair.path(side), '-u', 'nobody', 'id'], { env: TEST_ENV });
      return { status: result.status, stderr: result.stderr.toString('latin1') };
    };
    const real = run('real');
    assert.deepEqual(run('ours'), real, capability);
    assert.deepEqual(real, { status: 111, stderr: message });
  }
});
