// Our sv and real /usr/bin/sv side by side: usage (SV-1, SV-2, GEN-3, GEN-4, GEN-9), name
// resolution (SV-4), reading status (SV-5), the status line (SV-6), the status command and its
// log quirks (SV-7), exit codes (SV-14, SV-15).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NEEDS_RUNIT, ourBin, realBin } from '../helpers/binaries.js';
import { installedBin } from '../helpers/installed-bin.js';
import { packStatus } from '../../src/protocol/status.js';
import { type RunsvTree, SUPERVISORS } from '../helpers/runsv-tree.js';
import { BODY, linkAs, scriptText, type ServiceSpec } from '../helpers/service-dir.js';
import { fakeSupervise, poke, waitState } from '../helpers/supervise-files.js';
import { compareSv, runSv, startTwins, type Twins } from './sv-harness.js';

describe('sv usage and options (SV-1, SV-2)', { skip: NEEDS_RUNIT, concurrency: 4 }, () => {
  const cases: string[][] = [
    [],
    ['-V'],
    ['-V', 'status', 'x'],
    ['-x', 'status', 'x'],
    ['-w'],
    ['status'],
    ['-v'],
    ['bogus', 'x'],
    ['rbogus', 'x'],
    ['fbogus', 'x'],
    ['', 'x'],
    ['3', 'x'],
    ['wat', 'x'],
    ['-vw', 'x'],
    ['--', 'status'],
  ];
  cases.push(['status', ...Array.from({ length: 101 }, (_, i) => `nonexist${i}`)]); // exit code capped at 99 (SV-15)
  cases.push(['-v', 'up', ...Array.from({ length: 100 }, (_, i) => `/nonexist${i}`)]);
  for (const args of cases) {
    test(`sv ${JSON.stringify(args).slice(0, 60)}`, async () => {
      const env = { SVDIR: tmpdir() };
      const [real, ours] = await Promise.all([
        runSv(realBin('sv'), args, { cwd: tmpdir(), env }),
        runSv(ourBin('sv'), args, { cwd: tmpdir(), env }),
      ]);
      assert.equal(ours.stderr, real.stderr);
      assert.equal(ours.stdout, real.stdout);
      assert.equal(ours.code, real.code);
    });
  }
});

describe('sv from a current directory that was removed (fchdir back, SV-15)', { skip: NEEDS_RUNIT }, () => {
  test('names still resolve; no fatal error', async () => {
    const inRemovedDir = async (bin: string, args: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'sv-gone-'));
      return runSv('/bin/sh', ['-c', 'cd "$0" && rmdir "$0" && exec "$@"', dir, bin, ...args], { env: { SVDIR: tmpdir() } });
    };
    for (const args of [['s', '/nonexist'], ['s', 'nonexist', './x', 'nonexist2']]) {
      const [real, ours] = await Promise.all([inRemovedDir(realBin('sv'), args), inRemovedDir(ourBin('sv'), args)]);
      assert.deepEqual([ours.stdout, ours.stderr, ours.code], [real.stdout, real.stderr, real.code]);
    }
  });
});

describe('fatal: the current directory cannot be opened (SV-15, SV-16: 100 / 151)', { skip: NEEDS_RUNIT }, () => {
  test('as nobody in a root-only directory, plain and LSB', async (t) => {
    const locked = mkdtempSync(join(tmpdir(), 'sv-locked-')); // mode 0700, owned by root
    const links = mkdtempSync(join(tmpdir(), 'sv-links-'));
    chmodSync(links, 0o755);
    t.after(() => {
      rmSync(locked, { recursive: true, force: true });
      rmSync(links, { recursive: true, force: true });
    });
    const asNobody = (command: string, args: string[]) =>
      runSv('/usr/bin/chpst', ['-u', 'nobody', command, ...args], { cwd: locked, env: { SVDIR: tmpdir() } });
    const pairs: [string, string, string[]][] = [
      [realBin('sv'), installedBin('sv'), ['s', '/x']],
      [linkAs(links, 'real', realBin('sv')), linkAs(links, 'ours', installedBin('sv')), ['status']],
    ];
    for (const [realCommand, ourCommand, args] of pairs) {
      const [real, ours] = await Promise.all([asNobody(realCommand, args), asNobody(ourCommand, args)]);
      assert.match(real.stderr, /^fatal: unable to open current directory: access denied$/m);
      assert.deepEqual([ours.stdout, ours.stderr, ours.code], [real.stdout, real.stderr, real.code]);
    }
  });
});

const STATUS_TREE: Record<string, ServiceSpec> = {
  run1: {},
  down1: { down: true },
  wantup: { unsupervised: true },
  paused: {},
  termed: { run: BODY.ignoreTerm },
  finishing: { run: BODY.exit0, finish: BODY.sleep, ready: 'finish' },
  withlog: { log: {} },
  logdown: { log: { down: true } },
  lognotdir: { log: 'not-a-dir' },
  lognosup: {},
  downloop: {},
  stale: { unsupervised: true },
  short: { unsupervised: true },
  statusdir: { unsupervised: true },
  nosup: { unsupervised: true },
  nostatus: { unsupervised: true },
  state3: { unsupervised: true },
  zeros: { unsupervised: true },
  future: { unsupervised: true, down: true },
  logstale: {},
};

/** Puts the services of one twin into the states their names promise. */
async function prepare(tree: RunsvTree, held: number[]): Promise<void> {
  const at = (name: string): string => join(tree.root, name);
  poke(at('paused'), 'p');
  poke(at('termed'), 'd'); // TERM is ignored: run, want down, got TERM
  mkdirSync(join(at('lognosup'), 'log'));
  writeFileSync(join(at('lognosup'), 'log', 'run'), scriptText(BODY.sleep));
  symlinkSync('down', join(at('downloop'), 'down'));
  // A real runsv retrying a failing ./run flips between run and down; a fake record does not.
  const since = { seconds: Math.floor(Date.now() / 1000) - 3, nanoseconds: 500 };
  held.push(...fakeSupervise(at('wantup'), packStatus({ since, pid: 0, isPaused: false, want: 'up', gotTerm: false, state: 0 })));
  for (const name of ['stale', 'short', 'statusdir']) {
    mkdirSync(join(at(name), 'supervise'));
    execFileSync('mkfifo', [join(at(name), 'supervise', 'ok')]);
  }
  writeFileSync(join(at('stale'), 'supervise', 'status'), Buffer.alloc(20));
  writeFileSync(join(at('short'), 'supervise', 'status'), 'abc');
  mkdirSync(join(at('statusdir'), 'supervise', 'status'));
  // A reader on `ok` makes sv believe a runsv is there (RSV-5): this process holds it.
  for (const name of ['short', 'statusdir']) {
    held.push(openSync(join(at(name), 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK));
  }
  // Records runsv never writes but sv must print anyway: an unknown state byte (no state word,
  // SV-6), an all-zero stamp (seconds beyond 2^53), a stamp in the future (0s).
  const record = (fields: Partial<Parameters<typeof packStatus>[0]>): Uint8Array =>
    packStatus({ since, pid: 0, isPaused: false, want: 'down', gotTerm: false, state: 0, ...fields });
  held.push(...fakeSupervise(at('state3'), record({ pid: 77, state: 3 as 0, isPaused: true, gotTerm: true })));
  held.push(...fakeSupervise(at('zeros'), new Uint8Array(20)));
  held.push(...fakeSupervise(at('future'), record({ since: { seconds: since.seconds + 1000, nanoseconds: 0 }, pid: 5, state: 2, want: 'up' })));
  mkdirSync(join(at('nostatus'), 'supervise'));
  execFileSync('mkfifo', [join(at('nostatus'), 'supervise', 'ok')]);
  held.push(openSync(join(at('nostatus'), 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK));
  // log/ made after runsv started, with a supervise/ whose runsv is gone (SV-7: fail line).
  mkdirSync(join(at('logstale'), 'log', 'supervise'), { recursive: true });
  execFileSync('mkfifo', [join(at('logstale'), 'log', 'supervise', 'ok')]);
  await waitState(at('termed'), 'run');
  const { waitFor } = await import('../helpers/wait-for.js');
  await waitFor('termed to get TERM', () => {
    const bytes = execFileSync('od', ['-An', '-tx1', join(at('termed'), 'supervise', 'status')], { encoding: 'utf8' });
    return bytes.trim().split(/\s+/)[18] === '01';
  });
  await waitFor('paused flag', () => execFileSync('cat', [join(at('paused'), 'supervise', 'stat')], { encoding: 'utf8' }).includes('paused'));
}

for (const supervisor of SUPERVISORS) {
  describe(`sv status under ${supervisor.name} (SV-4..SV-7, SV-15)`, { skip: NEEDS_RUNIT, concurrency: 4 }, () => {
    let twins: Twins;
    const held: number[] = [];
    before(async () => {
      twins = await startTwins(supervisor, STATUS_TREE);
      await Promise.all([prepare(twins.real, held), prepare(twins.ours, held)]);
    });
    after(async () => {
      for (const fd of held) closeSync(fd);
      await twins?.cleanup();
    });

    for (const name of Object.keys(STATUS_TREE)) {
      test(`status ${name}, as name, ./name and absolute`, async () => {
        await compareSv(twins, ['status', name]);
        await compareSv(twins, ['s', `./${name}`]);
        await compareSv(twins, (root) => ['stat', join(root, name)]);
      });
    }

    test('many services in one call: lines in order, exit code counts failures (SV-15)', async () => {
      await compareSv(twins, ['status', ...Object.keys(STATUS_TREE), 'nonexist', 'run1']);
    });

    test('names: trailing slash resolves from cwd, SVDIR relative, unset, empty name (SV-4)', async () => {
      await compareSv(twins, ['status', 'run1/', 'withlog/']);
      await compareSv(twins, ['status', 'run1/'], { cwd: () => tmpdir() });
      await compareSv(twins, ['status', 'run1', 'down1'], { cwd: (root) => join(root, '..'), env: (root) => ({ SVDIR: root.split('/').pop() }) });
      await compareSv(twins, ['status', 'run1'], { env: () => ({}) });
      await compareSv(twins, ['status', ''], {});
      await compareSv(twins, ['status', 'run1'], { env: () => ({ SVDIR: '' }) });
      await compareSv(twins, ['status', 'run1'], { env: (root) => ({ SVDIR: join(root, 'nonexist') }) });
      await compareSv(twins, ['status', '../run1'], { cwd: (root) => join(root, 'down1') });
    });

    test('seconds are exact even past 2^53 (an all-zero stamp, SV-6)', async () => {
      const seconds = (text: string): bigint => BigInt(/: (\d+)s/.exec(text)?.[1] ?? '-1');
      const { real, ours } = await compareSv(twins, ['status', 'zeros']);
      const gap = seconds(ours.stdout) - seconds(real.stdout);
      assert.ok(seconds(real.stdout) > 2n ** 62n && gap >= 0n && gap <= 2n, `${ours.stdout} vs ${real.stdout}`);
    });

    test('-v does not make status wait; status words (SV-3)', async () => {
      await compareSv(twins, ['-v', 'status', 'run1']);
      await compareSv(twins, ['-w', '3', 'sss', 'run1', 'paused']);
    });
  });
}
