// svlogd side by side with runit's (SVL-1..22): same input, same config, same results.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { makeSides, normalize, runSvlogd, snapshot, startSvlogd, waitForContent, type Svlogd } from '../helpers/svlogd-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const REAL = realBin('svlogd');
const OURS = ourBin('svlogd');
const skip = NEEDS_RUNIT;

type T = Parameters<typeof makeTempDir>[0];

interface Case {
  args?: string[];
  dirs?: string[];
  input: string | Buffer;
  files?: Record<string, string | Buffer>;
}

/** Runs both over the same input in twin directories; asserts equal files, stderr, exit. */
async function sideBySide(t: T, c: Case): Promise<{ real: string; ours: string; stderr: string }> {
  const sides = makeSides(makeTempDir(t), c.files);
  const args = [...(c.args ?? []), ...(c.dirs ?? ['log'])];
  const [real, ours] = await Promise.all([
    runSvlogd(t, REAL, args, sides.real, c.input),
    runSvlogd(t, OURS, args, sides.ours, c.input),
  ]);
  assert.equal(ours.code, real.code, `exit code (stderr: ${ours.stderr})`);
  // Called by path, runit's usage names the path, ours the program (GEN-3, cli-words.test.ts).
  assert.equal(normalize(ours.stderr), normalize(real.stderr.split(REAL).join('svlogd')));
  for (const dir of c.dirs ?? ['log']) {
    if (!existsSync(join(sides.real, dir))) continue;
    assert.deepEqual(snapshot(join(sides.ours, dir)), snapshot(join(sides.real, dir)), `files of ${dir}`);
  }
  return { real: join(sides.real, 'log'), ours: join(sides.ours, 'log'), stderr: real.stderr };
}

const lines = (count: number, width: number): string =>
  Array.from({ length: count }, (_, i) => `MSG ${i} `.padEnd(width, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 26]!) + '\n').join('');

test('plain lines; an unterminated short last line is dropped (SVL-10, SVL-11)', { skip }, async (t) => {
  const { ours } = await sideBySide(t, { input: 'one\n\ntwo\nthree-noeol' });
  assert.equal(readFileSync(join(ours, 'current'), 'latin1'), 'one\n\ntwo\n');
  assert.equal(statSync(join(ours, 'current')).mode & 0o777, 0o744);
  assert.equal(statSync(join(ours, 'lock')).mode & 0o777, 0o600);
});

test('appending to an existing clean current', { skip }, async (t) => {
  await sideBySide(t, { input: 'b\nc\n', files: { current: 'a\n' } });
});

test('-t, -tt, -ttt and -tttt stamps (SVL-9)', { skip }, async (t) => {
  const shapes: Record<string, RegExp> = {
    '-t': /^@4[0-9a-f]{23} x$/,
    '-tt': /^\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{5} x$/,
    '-ttt': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{5} x$/,
    '-tttt': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{5} x$/,
  };
  for (const [flag, shape] of Object.entries(shapes)) {
    const { ours, real } = await sideBySide(t, { args: [flag], input: 'x\n\n' });
    for (const dir of [ours, real]) {
      const [first, second] = readFileSync(join(dir, 'current'), 'latin1').split('\n');
      assert.match(first!, shape, `${flag} in ${dir}`);
      assert.match(second! + 'x', shape, 'an empty line gets the stamp alone');
    }
  }
});

test('-r and -R replacement, in both orders (SVL-1, SVL-7)', { skip }, async (t) => {
  const input = Buffer.from('foo\nbar\nbaz\ntab\there\xe9\x7f\x01end\n', 'latin1');
  for (const args of [['-r:', '-R', 'fb'], ['-R', 'fb', '-r:'], ['-R', 'ab'], ['-r', '#'], ['-r', '']]) {
    await sideBySide(t, { args, input });
  }
});

test('long lines: the file gets all of it, stderr the first part and "..." (SVL-6, SVL-10, SVL-11)', { skip }, async (t) => {
  await sideBySide(t, { args: ['-l', '5', '-b', '10'], input: 'abcdefghijklmnop' });
  await sideBySide(t, {
    args: ['-tt', '-l', '5', '-b', '6'],
    input: 'abcd\nabcde\nabcdef\n' + 'x'.repeat(3000) + '\nabc\nabcdefgh',
    files: { config: 'e*\n' },
  });
});

test('size rotation s100 n3 with -l 20 -b 64, and s30 splitting lines (SVL-13, SVL-15)', { skip }, async (t) => {
  const { ours } = await sideBySide(t, { args: ['-l', '20', '-b', '64'], input: lines(30, 18), files: { config: 's100\nn3\n' } });
  assert.equal(readdirSync(ours).filter((n) => n.endsWith('.s')).length, 3);
  await sideBySide(t, { args: ['-l', '5'], input: lines(12, 16), files: { config: 's30\n' } });
  await sideBySide(t, { args: ['-tt'], input: lines(200, 60), files: { config: 's1k\nn0\n' } });
  await sideBySide(t, { input: lines(40, 30), files: { config: 's200\nn2\nN1\n' } });
  // A current larger than the limit is rotated before the first write.
  await sideBySide(t, { args: ['-l', '20', '-b', '64'], input: 'x\n', files: { config: 's50\n', current: lines(5, 30) } });
});

test('a config line per setting, with runit quirks (SVL-4)', { skip }, async (t) => {
  const configs = [
    's 100\n', // a space makes the size 0: never rotate
    '# comment\n\ns40\nn2\nq unknown\ns', // a lone final byte is ignored
    'pA:\npB:\np\n', // the last non-empty prefix wins
    'u1.2.3\nu1.2.3.4:0\n', // warnings
  ];
  for (const config of configs) await sideBySide(t, { input: lines(20, 20), files: { config } });
});

test('patterns + - e E, last match wins, per directory (SVL-8, SVL-10)', { skip }, async (t) => {
  const config = '-*\n+*keep*\n-*drop*\ne*err*\nE*quiet*\n+a+bc\ne+x\npP> \n';
  const input = 'keep this\nkeep but drop\nother\nerr keep\nerr quiet keep\nabbbc\nabd\nxxx\nab\n';
  await sideBySide(t, { args: ['-t'], input, files: { config } });
});

test('several directories, one missing, each with its own config', { skip }, async (t) => {
  const root = makeTempDir(t);
  const sides = makeSides(root, { config: '+*a*\n-*b*\ne*c*\n' });
  for (const side of Object.values(sides)) {
    writeFileSync(join(side, 'l2.config'), '');
  }
  const { mkdirSync } = await import('node:fs');
  for (const side of Object.values(sides)) {
    mkdirSync(join(side, 'l2'));
    writeFileSync(join(side, 'l2', 'config'), '-*\n+*b*\ne*a*\n');
    writeFileSync(join(side, 'notdir'), '');
    mkdirSync(join(side, 'l3', 'config'), { recursive: true });
  }
  const input = 'a\nb\nab\nc\nca\n';
  // missing: cannot open; notdir: cannot change into it; l3: its config is a directory.
  const args = ['log', 'missing', 'notdir', 'l2', 'l3'];
  const [real, ours] = await Promise.all([runSvlogd(t, REAL, args, sides.real, input), runSvlogd(t, OURS, args, sides.ours, input)]);
  assert.equal(ours.code, real.code);
  assert.equal(ours.stderr, real.stderr);
  for (const dir of ['log', 'l2', 'l3']) assert.deepEqual(snapshot(join(sides.ours, dir)), snapshot(join(sides.real, dir)));
  assert.match(ours.stderr, /unable to change directory: notdir: not a directory\n/);
  assert.match(ours.stderr, /unable to read config: l3: is a directory\n/);
});

test('processor: .u -> .s, state, same number of calls (SVL-17, SVL-18)', { skip }, async (t) => {
  const config = 's100\nn4\n!tr a-z A-Z; echo call >>../calls; cat <&4; echo state >&5\n';
  const { real, ours } = await sideBySide(t, { input: lines(30, 40).toLowerCase(), files: { config } });
  assert.equal(readFileSync(join(ours, '..', 'calls'), 'latin1'), readFileSync(join(real, '..', 'calls'), 'latin1'));
  assert.ok(readFileSync(join(ours, 'state'), 'latin1').startsWith('state'));
});

test('a failing processor is restarted on the same file (SVL-18)', { skip }, async (t) => {
  const config = 's100\n!if [ -e ../failed ]; then cat; else touch ../failed; exit 3; fi\n';
  const { real, ours } = await sideBySide(t, { input: lines(4, 40), files: { config } });
  assert.ok(existsSync(join(ours, '..', 'failed')) && existsSync(join(real, '..', 'failed')));
});

test('an unclean current becomes @….u at start-up (SVL-3)', { skip }, async (t) => {
  const root = makeTempDir(t);
  const sides = makeSides(root, { current: 'unclean\n' });
  const { chmodSync } = await import('node:fs');
  for (const side of Object.values(sides)) chmodSync(join(side, 'log', 'current'), 0o644);
  const [real, ours] = await Promise.all([runSvlogd(t, REAL, ['log'], sides.real, 'new\n'), runSvlogd(t, OURS, ['log'], sides.ours, 'new\n')]);
  assert.equal(ours.code, real.code);
  const got = snapshot(join(sides.ours, 'log'));
  assert.deepEqual(got, snapshot(join(sides.real, 'log')));
  assert.ok(got.some((e) => e.name === '@NAME.u' && e.mode === '644' && e.content === 'unclean\n'));
});

/** Starts both on twin dirs and waits until each has opened `current`. */
async function startBoth(t: T, args: string[], files: Record<string, string> = {}): Promise<{ runs: Svlogd[]; dirs: string[] }> {
  const sides = makeSides(makeTempDir(t), files);
  const runs = [startSvlogd(t, REAL, [...args, 'log'], sides.real), startSvlogd(t, OURS, [...args, 'log'], sides.ours)];
  const dirs = [join(sides.real, 'log'), join(sides.ours, 'log')];
  for (const dir of dirs) await waitFor(`current in ${dir}`, () => existsSync(join(dir, 'current')), { timeout: 15_000 });
  return { runs, dirs };
}

async function stepBoth(runs: Svlogd[], dirs: string[], text: string): Promise<void> {
  for (const run of runs) await run.write(text);
  const last = text.trimEnd().split('\n').pop()!;
  for (const dir of dirs) await waitForContent(join(dir, 'current'), last);
}

test('ALRM rotates, HUP re-reads config, TERM exits 0 (SVL-19, SVL-20)', { skip }, async (t) => {
  const { runs, dirs } = await startBoth(t, ['-v'], { config: 'n5\n' });
  await stepBoth(runs, dirs, 'first\n');
  for (const run of runs) process.kill(run.pid, 'SIGALRM');
  for (const dir of dirs) await waitFor('a rotated file', () => readdirSync(dir).some((n) => n.endsWith('.s')));
  await stepBoth(runs, dirs, 'second\n');
  for (const dir of dirs) writeFileSync(join(dir, 'config'), 'pNEW:\n');
  for (const run of runs) process.kill(run.pid, 'SIGHUP');
  for (const dir of dirs) await waitForContent(join(dir, 'current'), ''); // current reopened below
  await waitFor('HUP handled', () => runs.every((r) => r.stderr().includes('append: log/current\n') && r.stderr().split('read: log/config').length === 3));
  await stepBoth(runs, dirs, 'third\n');
  for (const run of runs) process.kill(run.pid, 'SIGTERM');
  const [real, ours] = await Promise.all(runs.map((r) => r.exited));
  assert.deepEqual(ours, real);
  assert.equal(real!.code, 0);
  assert.deepEqual(snapshot(dirs[1]!), snapshot(dirs[0]!));
  assert.equal(normalize(runs[1]!.stderr()), normalize(runs[0]!.stderr()));
  assert.equal(readFileSync(join(dirs[1]!, 'current'), 'latin1'), 'second\nNEW:third\n');
});

test('t1 rotates a non-empty current after a second (SVL-4, SVL-12)', { skip }, async (t) => {
  const { runs, dirs } = await startBoth(t, [], { config: 't1\n' });
  await stepBoth(runs, dirs, 'timed\n');
  for (const dir of dirs) await waitFor('timed rotation', () => readdirSync(dir).some((n) => n.endsWith('.s')));
  const [real, ours] = await Promise.all(runs.map((r) => r.finish()));
  assert.deepEqual(ours, real);
  assert.deepEqual(snapshot(dirs[1]!), snapshot(dirs[0]!));
});

test('a directory locked by the other svlogd, both ways (SVL-3)', { skip }, async (t) => {
  for (const [holder, other] of [[REAL, OURS], [OURS, REAL]] as const) {
    const root = makeTempDir(t);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'L6'));
    const held = startSvlogd(t, holder, ['L6'], root);
    await waitFor('current', () => existsSync(join(root, 'L6', 'current')));
    const second = await runSvlogd(t, other, ['L6'], root, 'x\n');
    assert.equal(second.code, 111);
    assert.equal(second.stderr, 'svlogd: warning: unable to lock directory: L6: temporary failure\nsvlogd: fatal: no functional log directories.\n');
    assert.equal((await held.finish()).code, 0);
  }
});

test('usage, -V and bad options exit 111 with runit’s texts (SVL-1, SVL-22)', { skip }, async (t) => {
  const root = makeTempDir(t);
  for (const args of [[], ['-V'], ['-x', 'd'], ['-r', 'ab', 'd'], ['-l', '5', '-b', '5', 'd'], ['-l'], ['-l', '0', '-b', '1000', 'd'], ['-T', 'd']]) {
    const [real, ours] = await Promise.all([runSvlogd(t, REAL, args, root, ''), runSvlogd(t, OURS, args, root, '')]);
    // Called by path, runit names the path; ours names the program, as runit does through PATH
    // (GEN-3; test/compat/cli-words.test.ts compares the two through PATH, byte for byte).
    const norm = (s: string, bin: string): string => s.split(bin).join('svlogd');
    if (args[0] === '-T') {
      assert.equal(real.code, 111, 'real svlogd rejects -T, so our -T changes no valid command line');
      assert.match(real.stderr, /illegal option -- T/);
      continue;
    }
    assert.equal(ours.code, real.code, args.join(' '));
    assert.equal(norm(ours.stderr, OURS), norm(real.stderr, REAL), args.join(' '));
  }
});

test('UDP copies (u) and UDP only (U), with prefix and stamps (SVL-10)', { skip }, async (t) => {
  for (const letter of ['u', 'U']) {
    const datagrams: string[][] = [];
    for (const bin of [REAL, OURS]) {
      const socket = createSocket('udp4');
      socket.bind(0, '127.0.0.1');
      await once(socket, 'listening');
      const got: string[] = [];
      socket.on('message', (m) => got.push(normalize(m.toString('latin1'))));
      const root = makeTempDir(t);
      const sides = makeSides(root, { config: `${letter}127.0.0.1:${socket.address().port}\npPRE:\n` });
      const input = 'udp line one\na very long line that is cut\n';
      const run = await runSvlogd(t, bin, ['-t', '-l', '12', 'log'], sides.real, input);
      assert.equal(run.code, 0);
      await waitFor('two datagrams', () => got.length === 2);
      socket.close();
      got.push(...snapshot(join(sides.real, 'log')).filter((e) => e.name !== 'config').map((e) => `${e.name}:${e.content}`));
      datagrams.push(got);
    }
    assert.deepEqual(datagrams[1], datagrams[0]);
  }
});

test('a failed UDP send is noted in the log itself (SVL-10)', { skip }, async (t) => {
  // Broadcast without SO_BROADCAST: sendto fails at once with EACCES.
  const { ours } = await sideBySide(t, { args: ['-l', '3'], input: 'one\ntwo\n', files: { config: 'u255.255.255.255:9\n' } });
  assert.equal(readFileSync(join(ours, 'current'), 'latin1'), 'warning: failure sending through udp: one...\none\nwarning: failure sending through udp: two...\ntwo\n');
});

test('verbose messages for read/new/rename/delete/close (SVL-21)', { skip }, async (t) => {
  const { stderr } = await sideBySide(t, { args: ['-v', '-l', '20', '-b', '64'], input: lines(25, 18), files: { config: 's100\nn2\n' } });
  assert.match(stderr, /svlogd: info: delete: log\/@NAME\.s|svlogd: info: delete: log\/@/);
});

test('HUP when no directory can be reopened: fatal, exit 111 (SVL-19)', { skip }, async (t) => {
  const { runs, dirs } = await startBoth(t, []);
  await stepBoth(runs, dirs, 'before\n');
  const { renameSync } = await import('node:fs');
  for (const dir of dirs) renameSync(dir, `${dir}.gone`);
  for (const run of runs) process.kill(run.pid, 'SIGHUP');
  const [real, ours] = await Promise.all(runs.map((r) => r.exited));
  assert.deepEqual(ours, real);
  assert.equal(real!.code, 111);
  assert.equal(runs[1]!.stderr(), runs[0]!.stderr());
  assert.equal(
    runs[1]!.stderr(),
    'svlogd: warning: unable to open log directory: log: file does not exist\nsvlogd: fatal: no functional log directories.\n',
  );
  assert.equal(readFileSync(`${dirs[1]!}.gone/current`, 'latin1'), 'before\n');
});
