// Our svlogd beside real runit 2.1.2's: same arguments, same input, same files and messages (SVL-n).
import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from '../helpers/temp-dir.js';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { spawnTracked } from '../helpers/procs.js';
import { FLAVOURS, normalize, readLogDir, runSvlogd, type Flavour, type FileEntry } from '../helpers/svlogd-run.js';

type TestContext = Parameters<typeof makeTempDir>[0];

interface Outcome {
  code: number | null;
  stderr: string;
  files: Record<string, FileEntry[]>;
}

/**
 * Runs both flavours, each in a fresh directory prepared by `setup`, and returns what each left
 * behind (exit code, normalized stderr, the listed log directories).
 */
async function runBoth(
  t: TestContext,
  args: readonly string[],
  input: string | Uint8Array,
  options: { setup?: (cwd: string) => void; dirs?: readonly string[] } = {},
): Promise<Record<Flavour, Outcome>> {
  const results = {} as Record<Flavour, Outcome>;
  for (const flavour of FLAVOURS) {
    const cwd = makeTempDir(t, `svlogd-${flavour}-`);
    options.setup?.(cwd);
    const { code, stderr } = await runSvlogd(t, flavour, args, cwd, input);
    const files: Record<string, FileEntry[]> = {};
    for (const dir of options.dirs ?? []) files[dir] = readLogDir(join(cwd, dir));
    results[flavour] = { code, stderr: normalize(stderr), files };
  }
  return results;
}

function assertSame(results: Record<Flavour, Outcome>): Outcome {
  assert.deepEqual(results.ours, results.real);
  return results.ours;
}

const dirs = (...names: string[]) => (cwd: string) => {
  for (const name of names) mkdirSync(join(cwd, name), { recursive: true });
};

test('usage, -V and option errors print the same text and exit 111 (SVL-1, GEN-3, GEN-4, GEN-9)', { skip: NEEDS_RUNIT }, async (t) => {
  for (const args of [[], ['-V'], ['-x', 'd'], ['-r'], ['-r', 'ab', 'd'], ['-l', '10', '-b', '10', 'd'], ['-b', '0', '-l', '1024', 'd']]) {
    const outcome = assertSame(await runBoth(t, args, ''));
    assert.equal(outcome.code, 111, `exit code for ${args.join(' ')}`);
    assert.match(outcome.stderr, /usage: svlogd \[-ttv\]/);
  }
});

test('lines land in current; an unfinished short last line is dropped, a long one kept (SVL-6, SVL-11)', { skip: NEEDS_RUNIT }, async (t) => {
  const outcome = assertSame(
    await runBoth(t, ['-l', '5', '-b', '10', 'd'], 'one\n\ntwo-long-line\nabcdefghijklmnop', { setup: dirs('d'), dirs: ['d'] }),
  );
  assert.equal(outcome.code, 0);
  assert.deepEqual(
    outcome.files['d']!.map((f) => [f.name, f.mode]),
    [['current', '744'], ['lock', '600']],
  );
  assert.equal(outcome.files['d']![0]!.content, 'one\n\ntwo-long-line\nabcdefghijklmnop\n');
  assertSame(await runBoth(t, ['d'], 'one\ntwo-noeol', { setup: dirs('d'), dirs: ['d'] }));
});

test('replacement with -r and -R, including bytes outside 32..126 (SVL-7)', { skip: NEEDS_RUNIT }, async (t) => {
  const input = Buffer.from('foo\nbar\nbaz\ntab\there\nhigh\xe9\x7f\n', 'latin1');
  for (const args of [['-r:', '-R', 'fb'], ['-R', 'fb'], ['-R', 'fb', '-r', ':'], ['-r', '?']]) {
    const outcome = assertSame(await runBoth(t, [...args, 'd'], input, { setup: dirs('d'), dirs: ['d'] }));
    assert.equal(outcome.code, 0);
  }
});

test('timestamps -t, -tt, -ttt have the same shapes (SVL-9)', { skip: NEEDS_RUNIT }, async (t) => {
  for (const flag of ['-t', '-tt', '-ttt', '-tttt']) {
    const outcome = assertSame(await runBoth(t, [flag, 'd'], 'a\n\nb\n', { setup: dirs('d'), dirs: ['d'] }));
    assert.match(outcome.files['d']![0]!.content, /^(@TAI64N|DATE[_T]TIME) a\n/);
  }
});

test('patterns, prefix and the stderr copy with ... (SVL-8, SVL-10)', { skip: NEEDS_RUNIT }, async (t) => {
  const setup = (cwd: string) => {
    dirs('d', 'e')(cwd);
    writeFileSync(join(cwd, 'd/config'), 'pPFX: \n-*skip*\ne*err*\n+keep+s\n');
    writeFileSync(join(cwd, 'e/config'), '-*\n+a*\nE*\ne+x\n');
  };
  const input = 'a line that is quite long indeed, longer than ten\nto skip this\nan err line\nkeepsss\nxxxx\nabc\n';
  const outcome = assertSame(await runBoth(t, ['-l', '10', '-r', '?', '-R', 'a', 'd', 'e'], input, { setup, dirs: ['d', 'e'] }));
  assert.match(outcome.stderr, /PFX: \?n err lin\.\.\.\n/);
});

test('size rotation keeps n files of whole lines and cuts lines at the limit (SVL-13, SVL-14, SVL-15)', { skip: NEEDS_RUNIT }, async (t) => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')} 0123456789`).join('\n') + '\n';
  const setup = (config: string) => (cwd: string) => {
    dirs('d')(cwd);
    writeFileSync(join(cwd, 'd/config'), config);
  };
  for (const [config, args] of [
    ['s100\nn3\n', ['-v', '-l', '20', '-b', '64']],
    ['s30\nn0\n', ['-v', '-l', '5', '-b', '10']],
    ['s100\n', ['-v']],
    ['s1k\nn2\n', ['-l', '100', '-b', '4000', '-tt']],
  ] as const) {
    const outcome = assertSame(await runBoth(t, [...args, 'd'], lines, { setup: setup(config), dirs: ['d'] }));
    assert.ok(outcome.files['d']!.length > 3, `rotated with ${JSON.stringify(config)}`);
    if ((args as readonly string[]).includes('-v')) assert.match(outcome.stderr, /info: rename: d\/current @TAI64N\.s \d+\n/);
  }
});

test('an unclean current becomes a .u file at start-up (SVL-3 step 5)', { skip: NEEDS_RUNIT }, async (t) => {
  const setup = (cwd: string) => {
    dirs('d', 'c')(cwd);
    writeFileSync(join(cwd, 'd/current'), 'leftover\n');
    chmodSync(join(cwd, 'd/current'), 0o644);
    writeFileSync(join(cwd, 'c/current'), 'clean\n');
    chmodSync(join(cwd, 'c/current'), 0o744);
  };
  const outcome = assertSame(await runBoth(t, ['-v', 'd', 'c'], 'new\n', { setup, dirs: ['d', 'c'] }));
  assert.equal(outcome.files['d']!.length, 3);
});

test('unusable directories warn; none usable is fatal with 111 (SVL-2, SVL-3)', { skip: NEEDS_RUNIT }, async (t) => {
  const setup = (cwd: string) => writeFileSync(join(cwd, 'file'), '');
  const none = assertSame(await runBoth(t, ['missing', 'file'], 'x\n', { setup }));
  assert.equal(none.code, 111);
  const some = assertSame(await runBoth(t, ['missing', 'd'], 'x\n', { setup: dirs('d'), dirs: ['d'] }));
  assert.equal(some.code, 0);
});

test('config details: bad UDP lines warn, NUL and unknown lines are ignored (SVL-4)', { skip: NEEDS_RUNIT }, async (t) => {
  const setup = (cwd: string) => {
    dirs('d')(cwd);
    writeFileSync(join(cwd, 'd/config'), 'u1.2.3\nu127.0.0.1:0\nu127.0.0.1:x\n# comment\n\nzzz\ns 100\np\x00x\n+\n');
  };
  assertSame(await runBoth(t, ['-v', 'd'], 'a\nb\n', { setup, dirs: ['d'] }));
});

test('standard input may be a regular file or /dev/null (SVL-2)', { skip: NEEDS_RUNIT }, async (t) => {
  const results = {} as Record<Flavour, FileEntry[][]>;
  for (const flavour of FLAVOURS) {
    const cwd = makeTempDir(t, `svlogd-stdin-${flavour}-`);
    dirs('d', 'n')(cwd);
    writeFileSync(join(cwd, 'in.txt'), 'from a file\nunfinished');
    const bin = flavour === 'real' ? realBin('svlogd') : ourBin('svlogd');
    for (const [source, dir] of [[join(cwd, 'in.txt'), 'd'], ['/dev/null', 'n']] as const) {
      const fd = openSync(source, 'r');
      const proc = spawnTracked(t, bin, [dir], { cwd, stdio: [fd, 'pipe', 'pipe'] });
      closeSync(fd);
      assert.equal((await proc.exited).code, 0);
      assert.equal(proc.stderr(), '');
    }
    results[flavour] = [readLogDir(join(cwd, 'd')), readLogDir(join(cwd, 'n'))];
  }
  assert.deepEqual(results.ours, results.real);
  assert.equal(results.ours[0]![0]!.content, 'from a file\n');
});
