// Which log/run scripts run with the svlogd engine in process (issue 16): each accepted form,
// and near-misses that must stay processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recogniseLogRun, splitWords } from '../../../src/runsv/log-run-recogniser.js';

const sh = (...lines: string[]): string => ['#!/bin/sh', ...lines].join('\n') + '\n';

test('accepted: svlogd with options and directories, after comments, exec 2>&1, set -e, cd', () => {
  const plain = recogniseLogRun(sh('exec svlogd -tt ./main'));
  assert.deepEqual(plain?.args.dirs, ['./main']);
  assert.equal(plain?.args.stampCount, 2);
  assert.equal(plain?.cwd, undefined);

  const full = recogniseLogRun(
    ['#!/bin/bash -e', '# the log of app', '', 'set -e', 'exec 2>&1', 'cd /var/log', "exec /usr/bin/svlogd -v -l 2000 -b 4096 'main' \"other\""].join('\n'),
  );
  assert.deepEqual(full?.args.dirs, ['main', 'other']);
  assert.equal(full?.args.lineMax, 2000);
  assert.equal(full?.args.verbose, true);
  assert.equal(full?.cwd, '/var/log');
  assert.ok(recogniseLogRun('#!/bin/dash\nexec svlogd -ttt main'));
  assert.ok(recogniseLogRun(sh('exec svlogd -r _ -R ab main')));
});

test('accepted: chpst -u USER[:GROUP] before svlogd, as ServiceBuilder and dh-runit write it', () => {
  assert.equal(recogniseLogRun(sh('exec chpst -u _runit-log svlogd -tt /var/log/runit/app'))?.user, '_runit-log');
  assert.equal(recogniseLogRun(sh('exec /usr/bin/chpst -ulog:adm /usr/bin/svlogd main'))?.user, 'log:adm');
  assert.equal(recogniseLogRun(sh('exec svlogd main'))?.user, undefined);
  for (const text of [
    sh('exec chpst -e ./env svlogd main'),
    sh('exec chpst -u log -e ./env svlogd main'),
    sh('exec chpst svlogd main'),
    sh('exec chpst -u log cat'),
    sh('exec chpst -u lo$g svlogd main'),
  ]) {
    assert.equal(recogniseLogRun(text), undefined, text);
  }
});

test('umask OCTAL: the mask svlogd would run with, the last one winning', () => {
  assert.equal(recogniseLogRun(sh('umask 022', 'exec svlogd main'))?.umask, 0o022);
  assert.equal(recogniseLogRun(sh('umask 0077', 'cd x', 'umask 027', 'exec chpst -u log svlogd main'))?.umask, 0o027);
  assert.equal(recogniseLogRun(sh('exec svlogd main'))?.umask, undefined);
});

test('near-misses run as processes', () => {
  const misses = [
    'exec svlogd -tt ./main', // no #! line
    sh('exec svlogd -tt $LOGDIR'),
    sh('exec svlogd -tt "$dir"'),
    sh('exec svlogd -tt ./*'),
    sh('svlogd -tt ./main'), // no exec: a shell stays in between
    sh('exec svlogd -tt ./main | tee x'),
    sh('exec svlogd -tt ./main', 'echo after'),
    sh('echo hello', 'exec svlogd ./main'),
    sh('exec svlogd -tt ./main 2>/dev/null'),
    sh('exec multilog t ./main'),
    sh('exec svlogd'), // svlogd's own usage error
    sh('exec svlogd -b 10 -l 20 main'), // buffer not larger than a line: usage error
    sh('umask u=rwx,g=rx,o=', 'exec svlogd main'), // symbolic: the shell's to work out
    sh('umask 0899', 'exec svlogd main'),
    sh('umask', 'exec svlogd main'),
    sh('exec `which svlogd` main'),
    sh("exec svlogd 'main"),
    '#!/usr/bin/perl\nexec svlogd main\n',
    sh('exec /usr/bin/svlogd-wrapper main'),
    sh('cd a', 'cd b', 'exec svlogd main'),
  ];
  for (const text of misses) assert.equal(recogniseLogRun(text), undefined, text);
});

test('words: plain runs and simple quotes join; expansions are refused', () => {
  assert.deepEqual(splitWords(`exec svlogd -t'x' "a b"`), ['exec', 'svlogd', '-tx', 'a b']);
  assert.equal(splitWords('a $b'), undefined);
  assert.equal(splitWords('a "b$c"'), undefined);
  assert.equal(splitWords('a ~/x'), undefined);
});
