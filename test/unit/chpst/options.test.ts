// chpst's command line (CHP-1, CHP-2, CHP-8, CHP-11) and the personalities' (CHP-15..20).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHPST_USAGE,
  VERSION_LINE,
  parseChpst,
  parseLong,
  personalityOf,
  selfName,
  usage,
  type ParseResult,
  type Plan,
} from '../../../src/chpst/options.js';
import { parsePersonality } from '../../../src/chpst/personalities.js';
import { scanUlong } from '../../../src/protocol/scan-ulong.js';

const MAIN_USAGE = usage('chpst', CHPST_USAGE);

function planOf(result: ParseResult): Plan {
  assert.ok('plan' in result, `expected a plan, got ${'usage' in result ? result.usage : ''}`);
  return result.plan;
}

function chpst(...args: string[]): ParseResult {
  return parseChpst(args, 'chpst', 'chpst');
}

test('the usage text is the Debian build one, followed by a blank line (CHP-2, GEN-3)', () => {
  assert.equal(
    MAIN_USAGE,
    'usage: chpst [-vVP012] [-u user[:group]] [-U user[:group]] [-b argv0] [-e dir] [-/ root] [-n nice] [-l|-L lock] [-m n] [-d n] [-o n] [-p n] [-f n] [-c n] [-t n] prog\n\n',
  );
});

test('options are collected whatever their order; operands start at the first non-option', () => {
  const plan = planOf(chpst('-012', '-P', '-v', '-u', 'nobody', '-Uroot', '-b', 'name', '-e', 'dir', '-/', '/r', 'prog', '-x'));
  assert.deepEqual(plan.closeFds, [0, 1, 2]);
  assert.equal(plan.newSession, true);
  assert.equal(plan.verbose, true);
  assert.deepEqual(plan.setUser, { account: 'nobody', extended: true });
  assert.deepEqual(plan.envUser, { account: 'root', extended: true });
  assert.equal(plan.argv0, 'name');
  assert.equal(plan.envDir, 'dir');
  assert.equal(plan.isSubdirFatal, false);
  assert.equal(plan.root, '/r');
  assert.deepEqual(plan.program, ['prog', '-x']);
});

test('-m sets data, stack, memlock and address space; a later -d overrides data only (CHP-11)', () => {
  const plan = planOf(chpst('-m', '100', '-d', '7', '-o5', '-p', '6', '-f', '8', '-c', '9', '-r', '10', '-t', '11', 'true'));
  assert.deepEqual(Object.fromEntries(plan.limits), {
    stack: 100n,
    memlock: 100n,
    as: 100n,
    data: 7n,
    nofile: 5n,
    nproc: 6n,
    fsize: 8n,
    core: 9n,
    rss: 10n,
    cpu: 11n,
  });
});

test('numbers wrap like C unsigned long and are then read as a signed long', () => {
  assert.deepEqual(scanUlong('12ab'), { value: 12n, length: 2 });
  assert.equal(parseLong(''), 0n, 'an empty number is 0, as runit accepts it');
  assert.equal(parseLong('18446744073709551616'), 0n);
  assert.equal(parseLong('18446744073709551615'), -1n);
  assert.equal(parseLong('9223372036854775808'), -(2n ** 63n));
  assert.equal(parseLong('1x'), undefined);
  assert.equal(parseLong('-1'), undefined);
});

test('-n takes N, +N and -N; anything else is a usage error (CHP-8)', () => {
  assert.equal(planOf(chpst('-n', '5', 'true')).nice, 5n);
  assert.equal(planOf(chpst('-n', '+3', 'true')).nice, 3n);
  assert.equal(planOf(chpst('-n', '-2', 'true')).nice, -2n);
  assert.equal(planOf(chpst('-n', '-', 'true')).nice, 0n);
  assert.deepEqual(chpst('-n', '5x', 'true'), { usage: MAIN_USAGE });
  assert.deepEqual(chpst('-n', '--3', 'true'), { usage: MAIN_USAGE });
});

test('bad values, -l with -L, -V and a missing program end in usage (CHP-2, CHP-14)', () => {
  assert.deepEqual(chpst('-m', '1k', 'true'), { usage: MAIN_USAGE });
  assert.deepEqual(chpst('-l', 'a', '-L', 'b', 'true'), { usage: MAIN_USAGE });
  assert.deepEqual(chpst('-l', 'a', '-l', 'b', 'true'), { usage: MAIN_USAGE });
  assert.deepEqual(chpst('-V', 'true'), { usage: VERSION_LINE + MAIN_USAGE });
  assert.deepEqual(chpst('-u', 'nobody'), { usage: MAIN_USAGE });
  assert.deepEqual(planOf(chpst('-L', 'lk', 'true')).lock, { path: 'lk', wait: false });
});

test('options are taken in order: a bad value before an unknown letter wins, and after it loses', () => {
  assert.deepEqual(chpst('-m', 'x', '-C', 'true'), { usage: MAIN_USAGE });
  assert.deepEqual(chpst('-C', '-m', 'x', 'true'), { usage: 'chpst: illegal option -- C\n' + MAIN_USAGE });
  assert.deepEqual(chpst('-u'), { usage: 'chpst: option requires an argument -- u\n' + MAIN_USAGE });
});

test('the name: basename, one leading d dropped, exact personality match (CHP-1)', () => {
  assert.equal(selfName('/usr/bin/dsetlock'), 'setlock');
  assert.equal(selfName('dir/'), '');
  assert.equal(personalityOf('/x/denvdir'), 'envdir');
  assert.equal(personalityOf('ddenvdir'), 'chpst');
  assert.equal(personalityOf('envdir2'), 'chpst');
  assert.equal(personalityOf('softlimit'), 'softlimit');
});

test('setlock flags are runit\'s: waiting only with -n, quiet with -x (CHP-19)', () => {
  const parse = (...args: string[]): ParseResult => parsePersonality('setlock', args, 'setlock', 'setlock');
  assert.deepEqual(planOf(parse('lk', 'prog')).lock, { path: 'lk', wait: false });
  assert.deepEqual(planOf(parse('-n', 'lk', 'prog')).lock, { path: 'lk', wait: true });
  assert.deepEqual(planOf(parse('-nN', 'lk', 'prog')).lock, { path: 'lk', wait: false });
  assert.equal(planOf(parse('-xX', 'lk', 'prog')).isQuiet, false);
  assert.equal(planOf(parse('-x', 'lk', 'prog')).isQuiet, true);
  const setlockUsage = 'usage: setlock [ -nNxX ] file program [ arg ... ]\n\n';
  assert.deepEqual(parse('lk'), { usage: setlockUsage });
  assert.deepEqual(parsePersonality('setlock', ['-q'], 'dsetlock', 'setlock'), { usage: 'dsetlock: illegal option -- q\n' + setlockUsage });
});

test('softlimit: = means the hard limit; a bad number prints chpst\'s usage under softlimit\'s name (CHP-20)', () => {
  const parse = (...args: string[]): ParseResult => parsePersonality('softlimit', args, 'softlimit', 'softlimit');
  assert.deepEqual(Object.fromEntries(planOf(parse('-m', '=', '-s', '5', 'prog')).limits), {
    data: -1n,
    stack: 5n,
    memlock: -1n,
    as: -1n,
  });
  assert.deepEqual(parse('-m', 'x', 'prog'), { usage: usage('softlimit', CHPST_USAGE) });
  assert.match((parse('-q') as { usage: string }).usage, /^softlimit: illegal option -- q\nusage: softlimit \[-a allbytes\]/);
});

test('envdir, envuidgid, setuidgid take their first word as is; pgrphack only a child (CHP-15..18)', () => {
  const envdir = planOf(parsePersonality('envdir', ['-x', 'prog'], 'envdir', 'envdir'));
  assert.equal(envdir.envDir, '-x');
  assert.equal(envdir.isSubdirFatal, true);
  assert.deepEqual(planOf(parsePersonality('setuidgid', ['a:b', 'p'], 'setuidgid', 'setuidgid')).setUser, {
    account: 'a:b',
    extended: false,
  });
  assert.deepEqual(planOf(parsePersonality('envuidgid', ['a', 'p'], 'envuidgid', 'envuidgid')).envUser, {
    account: 'a',
    extended: false,
  });
  assert.deepEqual(parsePersonality('envuidgid', ['a'], 'envuidgid', 'envuidgid'), { usage: 'usage: envuidgid account child\n\n' });
  assert.equal(planOf(parsePersonality('pgrphack', ['p'], 'pgrphack', 'pgrphack')).newSession, true);
  assert.deepEqual(parsePersonality('pgrphack', [], 'pgrphack', 'pgrphack'), { usage: 'usage: pgrphack child\n\n' });
});
