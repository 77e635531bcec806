// What every program says about itself, side by side with real runit 2.1.2 (issue 17): usage
// lines name the plain program, as runit's do when called through PATH (GEN-3); `--help` and
// `--version` are ours; any other `--word` keeps runit's meaning (GEN-4: getopt consumes it and
// stops; runsv and runsvdir take their first word as is).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, OUR_BIN, REPO_ROOT } from '../helpers/binaries.js';

const MANIFEST = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/** PATH with our bin/ (or real runit's) first; our bins find `node` by PATH (`#!/usr/bin/env node`). */
const PATHS = {
  ours: `${OUR_BIN}:${dirname(process.execPath)}:/usr/bin:/bin`,
  real: `/usr/bin:/usr/sbin:/bin`,
};

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `name` as a user types it: a plain name looked up on PATH. */
function run(impl: keyof typeof PATHS, name: string, args: readonly string[]): Outcome {
  const result = spawnSync(name, args, { encoding: 'utf8', env: { PATH: PATHS[impl] }, cwd: '/', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Each program's usage case and what its usage line must read, runit's text (GEN-3). */
const USAGES: readonly { name: string; args: string[]; usage: string; code: number }[] = [
  { name: 'runsv', args: [], usage: 'usage: runsv dir\n\n', code: 1 },
  { name: 'runsvdir', args: [], usage: 'usage: runsvdir [-P] dir\n\n', code: 1 },
  { name: 'svlogd', args: [], usage: 'usage: svlogd [-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...\n\n', code: 111 },
  { name: 'sv', args: [], usage: 'usage: sv [-v] [-w sec] command service ...\n\n', code: 100 },
  { name: 'chpst', args: [], usage: 'usage: chpst ', code: 100 },
];

describe('usage lines through PATH, ours and runit side by side (GEN-3, RSV-1, RSD-1, SVL-1, SV-1, CHP-2)', { skip: NEEDS_RUNIT }, () => {
  for (const { name, args, usage, code } of USAGES) {
    test(`${name}: the plain name, the same bytes and exit code as runit's`, () => {
      const real = run('real', name, args);
      const ours = run('ours', name, args);
      assert.equal(real.code, code, `real ${name}`);
      assert.ok(real.stderr.startsWith(usage), `real ${name}: ${real.stderr}`);
      assert.deepEqual(ours, real);
    });
  }
});

describe('any --word but --help and --version keeps runit\'s meaning (GEN-4)', { skip: NEEDS_RUNIT }, () => {
  const CASES: readonly { name: string; args: string[]; expect?: (outcome: Outcome) => void }[] = [
    // getopt consumes the word and stops: the rest is the program.
    { name: 'chpst', args: ['--foo', 'echo', 'ran'], expect: (o) => assert.equal(o.stdout, 'ran\n') },
    { name: 'chpst', args: ['-v', '--foo', 'echo', 'ran'], expect: (o) => assert.equal(o.stdout, 'ran\n') },
    // Not at the front, --help is such a word too: real `sv -v --help status X` is a status.
    { name: 'sv', args: ['-v', '--help', 'status', '/nonexistent'], expect: (o) => assert.match(o.stdout, /^fail: \/nonexistent: /) },
    { name: 'sv', args: ['--foo', 'status', '/nonexistent'] },
    { name: 'svlogd', args: ['--foo'] },
    { name: 'svlogd', args: ['--', '/nonexistent/log'] },
    // runsv takes it as its directory; runsvdir drops a first --word.
    { name: 'runsv', args: ['--foo'], expect: (o) => assert.match(o.stderr, /^runsv --foo: fatal: /) },
    { name: 'runsvdir', args: ['--foo'] },
  ];
  for (const { name, args, expect } of CASES) {
    test(`${name} ${args.join(' ')}: as runit`, () => {
      const real = run('real', name, args);
      const ours = run('ours', name, args);
      expect?.(real);
      assert.deepEqual(ours, real);
    });
  }
});

describe('--help and --version (ours)', () => {
  /** The options of ours each program's synopsis must show. */
  const OURS: Readonly<Record<string, readonly string[]>> = {
    runsvdir: ['[--in-process]'],
    sv: ['[-j]'],
    svlogd: ['[-tttvT]', '-T'],
    runit: ['[-p]', '[-g seconds]'],
  };
  for (const name of Object.keys(MANIFEST.bin)) {
    test(`${name} --help: the synopsis on stdout, exit 0; --version: the package version`, () => {
      const help = run('ours', name, ['--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.equal(help.stderr, '');
      assert.ok(help.stdout.startsWith(`usage: ${name} `), help.stdout);
      for (const option of OURS[name] ?? []) assert.ok(help.stdout.includes(option), `${name}: ${option} in\n${help.stdout}`);
      assert.ok(help.stdout.includes(MANIFEST.version));
      const version = run('ours', name, ['--version', 'ignored']);
      assert.deepEqual(version, { code: 0, stdout: `${name} (node-runit) ${MANIFEST.version}\n`, stderr: '' });
    });
  }

  test('the one place runit differs: real programs take --help as an ordinary word', { skip: NEEDS_RUNIT }, () => {
    assert.notEqual(run('real', 'sv', ['--help']).code, 0);
    assert.equal(run('real', 'chpst', ['--help', 'true']).code, 0); // it ran `true`
    assert.deepEqual(run('ours', 'chpst', ['--help', 'true']).code, 0);
    assert.ok(run('ours', 'chpst', ['--help', 'true']).stdout.startsWith('usage: chpst '));
  });
});
