// What the started program sees, side by side with real chpst: ids, groups, environment, limits,
// niceness, session, argv0, root (CHP-3..13, CHP-22).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { NEEDS_RUNIT, REPO_ROOT } from '../helpers/binaries.js';
import { ChpstPair, TEST_ENV, type Outcome } from '../helpers/chpst-run.js';

let pair: ChpstPair;
let work: string;

before(() => {
  pair = new ChpstPair();
  work = join(pair.dir, 'work');
  const ed = join(work, 'ed');
  mkdirSync(ed, { recursive: true });
  writeFileSync(join(ed, 'A'), 'hello  \t\nsecond line');
  writeFileSync(join(ed, 'HOME'), ''); // empty: unsets
  writeFileSync(join(ed, 'NL'), '\n'); // set to ""
  writeFileSync(join(ed, 'NUL'), 'a\0b');
  writeFileSync(join(ed, 'LEAD'), ' \tlead');
  writeFileSync(join(ed, 'UNSET_MISSING'), '');
  writeFileSync(join(ed, '.hidden'), 'ignored');
  writeFileSync(join(ed, 'K=V'), 'quirk');
  writeFileSync(join(ed, 'PATH'), '/nonexistent'); // reaches the program, not the search (CHP-12)
  writeFileSync(join(ed, 'BYTES'), Buffer.from([0x68, 0xe9, 0xff, 0x0a]));
  // Odd entries: vanished files (dangling symlinks), a FIFO, a directory and a link to one.
  const odd = join(work, 'odd');
  mkdirSync(join(odd, 'SUB'), { recursive: true });
  writeFileSync(join(odd, 'A'), 'val\n');
  writeFileSync(join(odd, 'M'), 'other \n');
  for (const name of ['B', 'C', 'D', 'E', 'F', 'G', 'H']) symlinkSync('/nonexistent', join(odd, name));
  symlinkSync('/tmp', join(odd, 'DIRLINK'));
  execFileSync('mkfifo', [join(odd, 'FIFO')]);
});

after(() => pair.remove());

function same(name: string, args: string[], env: Record<string, string> = TEST_ENV): Outcome {
  const { real, ours } = pair.both(name, args, { cwd: work, env });
  assert.deepEqual(ours, real, `${name} ${JSON.stringify(args)}`);
  return real;
}

/** /proc/self/status lines that say who the program is and what it inherits. */
const STATUS_KEYS = /^(Uid|Gid|Groups|NoNewPrivs|CapInh|CapPrm|CapEff|CapBnd|CapAmb|SigBlk|SigIgn|SigCgt|ShdPnd|SigPnd):/;

function statusLines(outcome: Outcome): string {
  return outcome.stdout
    .split('\n')
    .filter((line) => STATUS_KEYS.test(line))
    .join('\n');
}

test('-u in all its forms: ids, groups, capabilities and signal state match (CHP-4)', { skip: NEEDS_RUNIT }, () => {
  const forms = [[], ['-u', 'nobody'], ['-u', 'nobody:daemon:sys'], ['-u', ':1234:5678:91'], ['-u', ':1234:'], ['-u', '::5'], ['-u', 'root:nogroup']];
  for (const args of [...forms, ['-U', 'daemon']]) {
    same('chpst', [...args, 'id']);
    const { real, ours } = pair.both('chpst', [...args, 'cat', '/proc/self/status'], { cwd: work });
    assert.equal(statusLines(ours), statusLines(real), args.join(' '));
    assert.match(statusLines(real), /Uid:/);
  }
  same('setuidgid', ['nobody', 'id']);
  same('setuidgid', ['daemon', 'id']);
});

test('the environment: envdir rules, removal order, -U and the original PATH for the search (CHP-5, CHP-6, CHP-22)', { skip: NEEDS_RUNIT }, () => {
  const env = { ...TEST_ENV, A: 'old', NL: 'x', Z: 'last', LEAD: 'y' };
  const plain = same('chpst', ['-e', 'ed', 'env'], env);
  assert.match(plain.stdout, /^PATH=\/nonexistent$/m);
  assert.match(plain.stdout, /^A=hello$/m);
  assert.doesNotMatch(plain.stdout, /^HOME=/m);
  same('chpst', ['-e', 'ed', '-U', 'nobody', 'env'], env);
  same('chpst', ['-U', ':12:34:56', 'env'], env);
  same('envuidgid', ['daemon', 'env'], env);
  same('envdir', ['ed', 'env'], env);
  same('chpst', ['-e', `${work}/ed`, '-u', 'nobody', 'env'], env);
});

test('envdir oddities: a vanished file repeats the previous value, FIFOs read empty, -v warns on directories', { skip: NEEDS_RUNIT }, () => {
  const env = { ...TEST_ENV, B: 'b', FIFO: 'set' };
  same('chpst', ['-e', 'odd', 'env'], env);
  const warned = same('chpst', ['-v', '-e', 'odd', 'env'], env);
  assert.match(warned.stderr, /^chpst: warning: unable to read odd\/SUB: is a directory$/m);
  assert.doesNotMatch(warned.stdout, /^FIFO=/m);
  same('envdir', ['odd', 'env'], env);
});

test('limits: soft only, capped at the hard limit, C wrap-around kept (CHP-11, CHP-20)', { skip: NEEDS_RUNIT }, () => {
  const cases = [
    ['-m', '100000000', '-o', '99999999'],
    ['-d', '12345678', '-f', '100000', '-c', '7', '-r', '1000', '-p', '77', '-t', '5'],
    ['-m', '18446744073709551615'],
    ['-m', '18446744073709551614'],
    ['-m', '9223372036854775808'],
    ['-o', '20', '-o', '30'],
  ];
  for (const args of cases) same('chpst', [...args, 'cat', '/proc/self/limits']);
  same('softlimit', ['-a', '1000000000', '-s', '9999999', '-l', '65536', 'cat', '/proc/self/limits']);
  same('softlimit', ['-m', '=', '-o', '=', '-p', '50', 'cat', '/proc/self/limits']);
  same('chpst', ['-o', '0', 'true']);
});

/** Fields of /proc/self/stat after the command name. */
function statFields(outcome: Outcome): string[] {
  return outcome.stdout.slice(outcome.stdout.lastIndexOf(')') + 2).split(' ');
}

test('-n sets the niceness relative to chpst\'s own (CHP-8)', { skip: NEEDS_RUNIT }, () => {
  for (const nice of ['5', '+3', '-2', '0', '4294967301']) {
    const { real, ours } = pair.both('chpst', ['-n', nice, 'cat', '/proc/self/stat'], { cwd: work });
    assert.equal(statFields(ours)[16], statFields(real)[16], `-n ${nice}`);
  }
});

test('-P and pgrphack: the program leads a new session; already a leader, it stays put (CHP-13, CHP-18)', { skip: NEEDS_RUNIT }, () => {
  const shape = (outcome: Outcome): string => {
    const [, , pgrp, session] = statFields(outcome);
    const pid = outcome.stdout.split(' ')[0];
    return `pid=pgrp:${pid === pgrp} pid=sid:${pid === session}`;
  };
  for (const [name, args] of [
    ['chpst', ['-P']],
    ['pgrphack', []],
    ['chpst', []],
  ] as const) {
    const { real, ours } = pair.both(name, [...args, 'cat', '/proc/self/stat'], { cwd: work });
    assert.equal(shape(ours), shape(real), `${name} ${args.join(' ')}`);
  }
  // Already a process group leader: setsid fails, chpst carries on (errors ignored).
  const asLeader = (side: 'real' | 'ours'): string => {
    const script = 'setpgrp(0, 0); exec @ARGV or die';
    const stdout = execFileSync('perl', ['-e', script, pair.path(side), '-P', 'cat', '/proc/self/stat'], { env: TEST_ENV });
    return shape({ status: 0, signal: null, stdout: stdout.toString('latin1'), stderr: '' });
  };
  assert.equal(asLeader('ours'), asLeader('real'));
  assert.equal(asLeader('real'), 'pid=pgrp:true pid=sid:false');
  assert.equal(shape(pair.run('ours', 'pgrphack', ['cat', '/proc/self/stat'])), 'pid=pgrp:true pid=sid:true');
});

test('-b replaces argv[0] and nothing else (CHP-12)', { skip: NEEDS_RUNIT }, () => {
  const real = same('chpst', ['-b', 'renamed', 'cat', '/proc/self/cmdline']);
  assert.equal(real.stdout, 'renamed\0/proc/self/cmdline\0');
  same('chpst', ['-b', 'renamed', 'sh', '-c', 'echo "$0" "$@"', 'zero', 'one']);
});

test('arguments and envdir values that are not UTF-8 pass byte for byte', { skip: NEEDS_RUNIT }, () => {
  same('chpst', ['printf', '%s|', Buffer.from([0xe9, 0xff]).toString('latin1'), 'x']);
  same('chpst', ['-e', 'ed', 'printenv', 'BYTES']);
});

/**
 * Runs `file` with exactly these arguments and environment entries (latin1 byte strings): Node's
 * own spawn sends strings as UTF-8 and cannot pass duplicates or entries without '=', so a Node
 * process execs it through sys.
 */
function runWithRawEnv(file: string, args: string[], env: string[]): string {
  const sys = join(REPO_ROOT, 'dist', 'src', 'sys', 'index.js');
  const script = `
    const sys = await import(${JSON.stringify(sys)});
    const [file, args, env] = JSON.parse(process.argv[1]);
    for (const fd of [0, 1, 2]) sys.setCloseOnExec(fd, false);
    sys.execveNow(sys.cString(file), sys.cVector(args), sys.cVector(env));
    process.exit(127);`;
  const input = JSON.stringify([file, [file, ...args], env]);
  return execFileSync(process.execPath, ['--input-type=module', '-e', script, input], { cwd: work }).toString('latin1');
}

test('an environment chpst leaves alone passes byte for byte, and a non-UTF-8 PATH is searched (CHP-22, GEN-8)', { skip: NEEDS_RUNIT }, () => {
  const dir = join(work, Buffer.from([0x62, 0x69, 0x6e, 0xe9]).toString('latin1'));
  mkdirSync(Buffer.from(dir, 'latin1'), { recursive: true });
  symlinkSync('/usr/bin/cat', Buffer.from(join(dir, 'prog'), 'latin1'));
  const env = ['A=1', 'NOEQUALS', 'A=2', `B=${Buffer.from([0xe9, 0xff]).toString('latin1')}`, `PATH=${dir}:${TEST_ENV['PATH']}`];
  for (const args of [[], ['-u', 'nobody'], ['-n', '1', '-P']]) {
    const real = runWithRawEnv(pair.path('real'), [...args, 'prog', '/proc/self/environ'], env);
    const ours = runWithRawEnv(pair.path('ours'), [...args, 'prog', '/proc/self/environ'], env);
    assert.equal(real, `${env.join('\0')}\0`, args.join(' '));
    assert.equal(ours, real, args.join(' '));
  }
});

/** A root with just env and pwd and the libraries they load (ldd), for -/ (CHP-7). */
function makeRoot(name = 'root'): string {
  const root = join(work, name);
  for (const program of ['/usr/bin/env', '/usr/bin/pwd']) {
    const libraries = [...execFileSync('ldd', [program], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g)].map((match) => match[1]!);
    for (const file of [program, ...libraries]) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      copyFileSync(file, join(root, file));
    }
  }
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/usr/bin/env', join(root, 'bin', 'env'));
  return root;
}

test('-/ changes root after reading the envdir from the old one; PATH is searched inside (CHP-3, CHP-7)', { skip: NEEDS_RUNIT }, () => {
  const root = makeRoot();
  const pwd = same('chpst', ['-/', root, '/usr/bin/pwd']);
  assert.equal(pwd.stdout, '/\n');
  same('chpst', ['-e', 'ed', '-/', 'root', 'env']);
  same('chpst', ['-/', 'root', '-u', 'nobody', 'nonexistentprog']);
});

test('user and group names that are not UTF-8 are looked up byte for byte (CHP-4, CHP-5)', { skip: NEEDS_RUNIT }, () => {
  const root = makeRoot('root-with-accounts');
  const user = Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('latin1');
  const group = Buffer.from([0x67, 0xe9, 0xff]).toString('latin1');
  mkdirSync(join(root, 'etc'), { recursive: true });
  // The files chpst's lookups read after -/, inside the new root.
  writeFileSync(join(root, 'etc', 'passwd'), Buffer.from(`${user}:x:4242:4343::/:/bin/sh\n`, 'latin1'));
  writeFileSync(join(root, 'etc', 'group'), Buffer.from(`${group}:x:4444:\n`, 'latin1'));
  // Node's spawn would send the names as UTF-8: the raw-bytes exec passes them as they are.
  const env = [`PATH=${TEST_ENV['PATH']}`];
  for (const account of [`${user}:${group}`, user]) {
    const real = runWithRawEnv(pair.path('real'), ['-/', root, '-U', account, '/usr/bin/env'], env);
    const ours = runWithRawEnv(pair.path('ours'), ['-/', root, '-U', account, '/usr/bin/env'], env);
    assert.equal(ours, real, account);
  }
  const found = runWithRawEnv(pair.path('ours'), ['-/', root, '-U', `${user}:${group}`, '/usr/bin/env'], env);
  assert.equal(found, `${env[0]}\nGID=4444\nUID=4242\n`);
});
