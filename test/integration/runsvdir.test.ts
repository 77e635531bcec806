// Our runsvdir in both hosting modes, every service controlled by real /usr/bin/sv (RSD-2..RSD-6).
// Default mode: one runsv per service, real runit's runsv first in PATH. --in-process: every
// Supervisor inside runsvdir's one Node process.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, ourBin } from '../helpers/binaries.js';
import { descendants, descendantsNamed, isAlive } from '../helpers/procs.js';
import { makeTreeRoot, pathWith, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService, writeScript } from '../helpers/service-dir.js';
import { svRun, svStatus, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

const MODES = [
  { label: 'runsv processes (real runsv first in PATH)', extra: [] as string[] },
  { label: '--in-process', extra: ['--in-process'] },
];

for (const mode of MODES) {
  describe(`runsvdir, ${mode.label}`, { skip: NEEDS_RUNIT }, () => {
    const start = (t: TestContext, dir: string) =>
      startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), ...mode.extra, dir], {
        ...process.env,
        PATH: pathWith('/usr/bin'),
      }, dirname(dir));

    test('new dirs at once, dot dirs skipped, one supervisor per (dev,inode), removal stops it', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      makeService(join(dir, 'a'));
      makeService(join(dir, '.hidden'));
      symlinkSync('a', join(dir, 'a-link'));
      const tree = start(t, dir);
      await waitRunning(join(dir, 'a'));

      // Beyond runit: fs.watch picks a new service up well before the 5 s check.
      const before = Date.now();
      makeService(join(dir, 'b'));
      await waitRunning(join(dir, 'b'), 10_000);
      t.diagnostic(`b picked up in ${Date.now() - before} ms`);
      assert.ok(Date.now() - before < 4500, `new service took ${Date.now() - before} ms`);
      // By now a second supervisor for a-link would have failed on a's lock and said so.
      assert.doesNotMatch(tree.stderr(), /unable to lock/, 'symlink and target must share one supervisor');
      assert.equal(descendantsNamed(tree.pid, 'sleep').length, 2);
      assert.equal(existsSync(join(dir, '.hidden', 'supervise')), false, 'dot dir got a supervisor');

      const bPid = await waitRunning(join(dir, 'b'));
      renameSync(join(dir, 'b'), join(root, 'b-removed'));
      await waitFor('the removed service to be stopped', () => !isAlive(bPid), { timeout: 15_000 });
      assert.match(svStatus(join(dir, 'a')), /^run: /);
    });

    test('a half-written dir (log/ and run written later) is retried and gets its log', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      makeService(join(dir, 'first'));
      const tree = start(t, dir);
      await waitRunning(join(dir, 'first'));
      const svc = join(dir, 'late');
      mkdirSync(join(svc, 'log'), { recursive: true });
      // Let the watch event and a check go by while the dir has no run.
      await waitFor('a scan to see the half-written dir', () => descendants(tree.pid).length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      writeScript(join(svc, 'log', 'run'), 'exec cat > out');
      writeScript(join(svc, 'run'), 'echo started; exec sleep 1000');
      await waitFor('late and its log to run', () => /^run: .*; run: log: /.test(svStatus(svc)), { timeout: 15_000 });
      await waitFor('the line in the log', () => existsSync(join(svc, 'log', 'out')) && readFileSync(join(svc, 'log', 'out'), 'utf8') === 'started\n');
    });

    test('a supervisor that ends (sv exit) is restarted by the next scan', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      const svc = makeService(join(dir, 'a'));
      start(t, dir);
      const first = await waitRunning(svc);
      // sv prints nothing, or `ok: ...: runsv not running` if runsv was already gone: both fine.
      assert.doesNotMatch(svRun(['exit', svc]), /fail|warning/);
      await waitFor('a new service pid after sv exit', async () => (await waitRunning(svc)) !== first, {
        timeout: 15_000,
      });
    });

    test('200 services start, answer real sv and all stop', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      const names = Array.from({ length: 200 }, (_, i) => `s${String(i).padStart(3, '0')}`);
      for (const name of names) makeService(join(dir, name));
      const tree = start(t, dir);
      await waitFor(
        'all 200 services to run',
        () => names.every((name) => readIfExists(join(dir, name, 'supervise', 'stat')) === 'run\n'),
        { timeout: 60_000, interval: 250 },
      );
      const lines = svRun(['status', ...names.map((name) => join(dir, name))]).trim().split('\n');
      assert.equal(lines.filter((line) => line.startsWith('run: ')).length, 200);
      const pids = descendantsNamed(tree.pid, 'sleep');
      assert.equal(pids.length, 200);
      const rss = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
      const supervisors = mode.extra.length > 0 ? [tree.pid] : [tree.pid, ...descendantsNamed(tree.pid, 'runsv')];
      t.diagnostic(`RSS of runsvdir + supervisors for 200 services: ${supervisors.reduce((sum, pid) => sum + rss(pid), 0)} kB`);
      await tree.stopTree(mode.extra.length > 0 ? 'SIGTERM' : 'SIGHUP');
      await waitFor('every service to be stopped', () => pids.every((pid) => !isAlive(pid)), { timeout: 20_000 });
    });
  });
}

describe('runsvdir --in-process: signals', { skip: NEEDS_RUNIT }, () => {
  for (const [signal, code] of [['SIGTERM', 0], ['SIGHUP', 111]] as const) {
    test(`${signal}: each service stops, its finish runs, then its log writes the last line; exit ${code}`, async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      makeService(join(dir, 'web'), {
        run: `echo started\ntrap 'echo last line; exit 0' TERM\nwhile :; do sleep 0.1; done`,
        finish: 'echo finish ran',
        log: { run: `cat > ${root}/web.log; echo log eof >> ${root}/web.log` },
      });
      const tree = startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', dir], process.env, root);
      await waitFor('the first line in the log', () => readIfExists(join(root, 'web.log')) === 'started\n');
      process.kill(tree.pid, signal);
      assert.equal((await tree.exited).code, code);
      assert.equal(readIfExists(join(root, 'web.log')), 'started\nlast line\nfinish ran\nlog eof\n');
    });
  }
});

// Issue 14 (found by the stress harness's hang scenario): the init named every process it
// KILLed at the grace period, runsvdir --in-process KILLed them without a word.
test('runsvdir --in-process: a service that ignores TERM is KILLed at the grace period and named; exit 111', { skip: NEEDS_RUNIT }, async (t) => {
  const root = makeTreeRoot();
  const dir = join(root, 'sv');
  makeService(join(dir, 'stubborn'), { run: "trap '' TERM\nexec sleep 100000" });
  makeService(join(dir, 'polite'), { run: 'exec sleep 100000' });
  const tree = startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', dir], { ...process.env, RUNSVDIR_GRACE: '1' }, root);
  await waitRunning(join(dir, 'stubborn'));
  await waitRunning(join(dir, 'polite'));
  process.kill(tree.pid, 'SIGHUP');
  assert.equal((await tree.exited).code, 111);
  const warnings = tree.stderr().split('\n').filter((line) => line.includes('killed at the grace period'));
  // polite ends on TERM, but on a loaded machine maybe not within a 1 s grace: then it is named too.
  assert.ok(warnings.includes(`runsvdir ${dir}: warning: killed at the grace period: stubborn`), tree.stderr());
});

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
