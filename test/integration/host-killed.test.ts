// The supervisor's host killed with SIGKILL (as the OOM killer does) under running services
// (issue 14, fault 2): runsvdir --in-process, and one runsv process of runit's topology. Its
// services (and their log services) live on as orphans. The next supervisor takes them over
// (runsv/adopt.ts): one instance runs, the status names it, `sv d` stops it and ./finish runs,
// the log service keeps its pipe (no crash loop on svlogd's lock, no line lost), and an orderly
// stop leaves nothing. runit's runsv would start a second instance here instead.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SERVICE_FILE } from '../../src/protocol/layout.js';
import { NEEDS_RUNIT, OUR_BIN, ourBin, realBin } from '../helpers/binaries.js';
import { isAlive, killPid, readParent, spawnTracked } from '../helpers/procs.js';
import { startRunsvdirTree, type RunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeService, readText } from '../helpers/service-dir.js';
import { readStatus } from '../helpers/supervise-files.js';
import { svRun, svStatus, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

const ENV = { ...process.env, PATH: `${OUR_BIN}:${process.env['PATH'] ?? ''}` };

/** Numbered lines, each also noted in ./last.PID once written, 100 a second. */
const WRITER = 'i=0\nwhile :; do\n  i=$((i+1))\n  echo "$$ $i"\n  echo $i > ./last.$$\n  sleep 0.01\ndone';

function inProcess(t: TestContext, dir: string): RunsvdirTree {
  return startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', dir], ENV);
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Live processes working in `dir` whose command line includes `word`: the instances of a service. */
function instancesIn(dir: string, word: string): number[] {
  const found = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir && readCmdline(pid).includes(word) && isAlive(pid);
      } catch {
        return false;
      }
    });
  // A child the service has forked and not yet exec'd (its `sleep`) still carries its argv.
  return found.filter((pid) => !found.includes(readParent(pid)));
}

/** A service writing numbered lines, its log service svlogd run as a process (not inside the host). */
function makeLoggedService(dir: string, logRun = 'exec svlogd ./main'): string {
  const app = makeService(dir, { run: WRITER, log: { run: logRun } });
  mkdirSync(join(app, 'log/main'));
  writeFileSync(join(app, 'log', SERVICE_FILE.noInlineLog), '');
  return app;
}

/** A tree for `runit DIR` (not PID 1) with an empty stage directory; `init()` starts one. */
function initTree(t: TestContext): { dir: string; init: () => ReturnType<typeof spawnTracked> } {
  const root = makeTempDir(t);
  const dir = join(root, 'service');
  const stages = join(root, 'stages');
  mkdirSync(stages);
  mkdirSync(dir);
  return { dir, init: () => spawnTracked(t, process.execPath, [ourBin('runit'), '-s', stages, dir], { env: ENV }) };
}

async function killHost(tree: RunsvdirTree): Promise<void> {
  killPid(tree.pid, 'SIGKILL');
  await tree.exited;
}

/** The record's pid once it is `run` and differs from `not` (0: any). */
function waitRecordRunning(dir: string, not = 0): Promise<number> {
  return waitFor(`${dir} to run`, () => {
    const record = readStatus(dir);
    return record?.state === 1 && record.pid > 0 && record.pid !== not ? record.pid : undefined;
  }, { timeout: 15_000, interval: 50 });
}

/**
 * Every writer's numbers in the log, in order and without a gap from 1, up to at least the last
 * number it noted as written: nothing it wrote was lost, across every restart on either side.
 */
function assertNoLineLost(serviceDir: string, writers = 2): void {
  const text = readText(join(serviceDir, 'log/main/current')) ?? '';
  const seen = new Map<string, number>();
  const lines = text.split('\n').filter((line) => line !== '');
  lines.forEach((line, index) => {
    const [pid, number] = line.split(' ');
    const expected = (seen.get(pid!) ?? 0) + 1;
    const around = lines.slice(Math.max(0, index - 4), index + 2).join(' | ');
    assert.equal(Number(number), expected, `writer ${pid}: line ${expected} is missing: ${around}`);
    seen.set(pid!, expected);
  });
  assert.ok(seen.size >= writers, `at least ${writers} writer(s) logged: ${[...seen.keys()].join(', ')}`);
  for (const [pid, last] of seen) {
    const noted = Number(readText(join(serviceDir, `last.${pid}`)));
    assert.ok(last >= noted, `writer ${pid} wrote ${noted} lines, ${last} were logged`);
  }
}

describe('the host killed under running services', { skip: NEEDS_RUNIT }, () => {
  test('--in-process: the service is taken over, not started twice; sv d stops it and ./finish runs', async (t) => {
    const root = makeTempDir(t);
    const dir = join(root, 'sv');
    mkdirSync(dir);
    const app = makeService(join(dir, 'app'), { run: 'exec sleep 778831', finish: 'echo "$@" > ./finish-args' });
    const first = inProcess(t, dir);
    const orphan = await waitRunning(app);
    await killHost(first);
    assert.ok(isAlive(orphan), 'the service outlives its host');

    const second = inProcess(t, dir);
    await waitFor('the takeover warning', () => second.stderr().includes(`runsv app: warning: taking over ./run (pid ${orphan}) left running by a supervisor that is gone\n`));
    assert.equal(await waitRunning(app), orphan, 'the status names the running instance');
    // A second instance would have been started by now; look once more a second later.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(instancesIn(app, 'sleep 778831'), [orphan], 'exactly one instance');
    assert.match(svStatus(app), new RegExp(`^run: ${app}: \\(pid ${orphan}\\) \\d+s$`, 'm'));

    svRun(['down', app]);
    await waitFor('down after sv d', () => /^down: /.test(svStatus(app)));
    assert.equal(isAlive(orphan), false);
    await waitFor('./finish to run', () => readText(join(app, 'finish-args')));
    assert.equal(readText(join(app, 'finish-args')), '-1 0\n', 'an exit status nobody could wait for');
    svRun(['up', app]);
    const fresh = await waitRunning(app);
    assert.notEqual(fresh, orphan);
    assert.deepEqual(instancesIn(app, 'sleep 778831'), [fresh]);

    await second.stopTree('SIGHUP');
    assert.deepEqual(instancesIn(app, 'sleep 778831'), [], 'nothing left after an orderly stop');
    assert.doesNotMatch(second.stderr(), /fatal/);
  });

  for (const logger of [
    { label: 'our svlogd', run: 'exec svlogd ./main', isLogRestarted: true },
    // runit's svlogd drops a line read together with a TERM (SVL-11; a line now and then at 100
    // lines a second): `sv restart` of it would lose lines whoever supervises it.
    { label: "runit's svlogd", run: `exec ${realBin('svlogd')} ./main`, isLogRestarted: false },
  ]) {
    test(`--in-process with ${logger.label} as a process: the log service and its pipe are taken over, no line is lost`, async (t) => {
      const root = makeTempDir(t);
      const dir = join(root, 'sv');
      mkdirSync(dir);
      const app = makeLoggedService(join(dir, 'app'), logger.run);
      const logDir = join(app, 'log');
      const first = inProcess(t, dir);
      const writer = await waitRecordRunning(app);
      const svlogd = await waitRecordRunning(logDir);
      await waitFor('lines in the log', () => (readText(join(logDir, 'main/current')) ?? '').length > 0);
      await killHost(first);
      // The orphans go on: the writer into the pipe, svlogd out of it.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const second = inProcess(t, dir);
      await waitFor('both takeover warnings', () => second.stderr().includes(`log/run (pid ${svlogd})`) && second.stderr().includes(`./run (pid ${writer})`));
      assert.equal(readStatus(app)?.pid, writer);
      assert.equal(readStatus(logDir)?.pid, svlogd);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      assert.deepEqual(instancesIn(app, './run'), [writer], 'one writer');
      assert.deepEqual(instancesIn(logDir, 'svlogd'), [svlogd], 'one svlogd');

      // Each side restarted in turn: the new instance joins the same pipe.
      svRun(['restart', app]);
      const newWriter = await waitRecordRunning(app, writer);
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (logger.isLogRestarted) {
        svRun(['restart', logDir]);
        await waitRecordRunning(logDir, svlogd);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      assert.deepEqual(instancesIn(app, './run'), [newWriter]);
      await second.stopTree('SIGHUP');
      assert.deepEqual([...instancesIn(app, './run'), ...instancesIn(logDir, 'svlogd')], [], 'nothing left after an orderly stop');
      assert.doesNotMatch(second.stderr(), /fatal|unable to lock/);
      assertNoLineLost(app);
    });
  }

  test('--in-process with the log service inside the host: it dies with it; the service is taken over and logged again', async (t) => {
    const root = makeTempDir(t);
    const dir = join(root, 'sv');
    mkdirSync(dir);
    // Writes nothing between its first line and a HUP: an orphan that wrote into the dead host's
    // pipe would get SIGPIPE (no reader left) and end.
    const app = makeService(join(dir, 'app'), { run: "echo started\ntrap 'echo got hup' HUP\nwhile :; do sleep 0.1; done", log: { run: 'exec svlogd ./main' } });
    mkdirSync(join(app, 'log/main'));
    const logDir = join(app, 'log');
    const first = inProcess(t, dir);
    const service = await waitRecordRunning(app);
    assert.equal(await waitRecordRunning(logDir), first.pid, 'the log service runs inside the host');
    await waitFor('the first line logged', () => readText(join(logDir, 'main/current'))?.includes('started'));
    await killHost(first);

    const second = inProcess(t, dir);
    await waitFor('the takeover warning', () => second.stderr().includes(`taking over ./run (pid ${service})`));
    await waitFor('a log service inside the new host', () => readStatus(logDir)?.pid === second.pid && readStatus(logDir)?.state === 1);
    assert.doesNotMatch(second.stderr(), /taking over log/);
    assert.deepEqual(instancesIn(app, './run'), [service], 'one instance');
    svRun(['hup', app]);
    await waitFor('its next line logged through the pipe opened again', () => readText(join(logDir, 'main/current'))?.includes('got hup'));
    await second.stopTree('SIGHUP');
    assert.deepEqual(instancesIn(app, './run'), [], 'nothing left after an orderly stop');
    assert.doesNotMatch(second.stderr(), /fatal/);
  });

  test('one runsv process killed: the runsv runsvdir starts again takes its service and log service over', async (t) => {
    const root = makeTempDir(t);
    const dir = join(root, 'sv');
    mkdirSync(dir);
    const app = makeLoggedService(join(dir, 'app'));
    const logDir = join(app, 'log');
    const tree = startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), dir], ENV);
    const writer = await waitRecordRunning(app);
    const svlogd = await waitRecordRunning(logDir);
    const runsv = await waitFor('our runsv', () =>
      readdirSync('/proc').map(Number).find((pid) => readParent(pid) === tree.pid && readCmdline(pid).includes('runsv app')),
    );
    killPid(runsv, 'SIGKILL');
    await waitFor('the new runsv to take both over', () => tree.stderr().includes(`log/run (pid ${svlogd})`) && tree.stderr().includes(`./run (pid ${writer})`), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(readStatus(app)?.pid, writer);
    assert.equal(readStatus(logDir)?.pid, svlogd);
    assert.deepEqual(instancesIn(app, './run'), [writer], 'one writer');
    assert.deepEqual(instancesIn(logDir, 'svlogd'), [svlogd], 'one svlogd');
    svRun(['restart', app]);
    await waitRecordRunning(app, writer);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tree.stopTree('SIGHUP');
    await waitFor('nothing left after an orderly stop', () => instancesIn(app, './run').length + instancesIn(logDir, 'svlogd').length === 0);
    assert.doesNotMatch(tree.stderr(), /fatal/);
    assertNoLineLost(app);
    assert.ok(existsSync(join(logDir, 'main/current')));
  });

  test('the runit init killed and started again takes its tree over, and its TERM stops everything', async (t) => {
    const { dir, init } = initTree(t);
    const app = makeLoggedService(join(dir, 'app'));
    const logDir = join(app, 'log');
    const first = init();
    const writer = await waitRecordRunning(app);
    const svlogd = await waitRecordRunning(logDir);
    killPid(first.pid, 'SIGKILL');
    await first.exited;

    const second = init();
    await waitFor('the takeover warnings', () => second.stderr().includes(`log/run (pid ${svlogd})`) && second.stderr().includes(`./run (pid ${writer})`), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(instancesIn(app, './run'), [writer], 'one writer');
    assert.deepEqual(instancesIn(logDir, 'svlogd'), [svlogd], 'one svlogd');
    killPid(second.pid, 'SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null });
    assert.deepEqual([...instancesIn(app, './run'), ...instancesIn(logDir, 'svlogd')], [], 'nothing left');
    assert.doesNotMatch(second.stderr(), /fatal|killed/);
    assertNoLineLost(app, 1);
  });

  test("runit's runsv killed: ours, started on the same directory, takes its service and log service over (RSV-3)", async (t) => {
    const root = makeTempDir(t);
    const app = makeLoggedService(join(root, 'app'));
    const logDir = join(app, 'log');
    const real = spawnTracked(t, realBin('runsv'), [app], { env: ENV });
    const writer = await waitRecordRunning(app);
    const svlogd = await waitRecordRunning(logDir);
    killPid(real.pid, 'SIGKILL');
    await real.exited;

    const ours = spawnTracked(t, process.execPath, [ourBin('runsv'), app], { env: ENV });
    await waitFor('the takeover warnings', () => ours.stderr().includes(`log/run (pid ${svlogd})`) && ours.stderr().includes(`./run (pid ${writer})`), { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.match(svStatus(app), new RegExp(`^run: ${app}: \\(pid ${writer}\\) \\d+s; run: log: \\(pid ${svlogd}\\) \\d+s$`, 'm'), 'real sv sees the same instances');
    assert.deepEqual(instancesIn(app, './run'), [writer]);
    assert.deepEqual(instancesIn(logDir, 'svlogd'), [svlogd]);
    svRun(['exit', app]);
    assert.equal((await ours.exited).code, 0);
    await waitFor('nothing left', () => instancesIn(app, './run').length + instancesIn(logDir, 'svlogd').length === 0);
    assertNoLineLost(app, 1);
  });

  test('the runit init stops, and names, a service of its tree left running that no supervisor could take over', async (t) => {
    const { dir, init } = initTree(t);
    const app = makeService(join(dir, 'app'), { run: 'exec sleep 778861' });
    const first = init();
    const orphan = await waitRecordRunning(app);
    killPid(first.pid, 'SIGKILL');
    await first.exited;
    // A control that is no FIFO: every supervisor of app now fails at start-up (RSV-32).
    rmSync(join(app, 'supervise/control'));
    writeFileSync(join(app, 'supervise/control'), '');

    const second = init();
    await waitFor('the supervisor to fail', () => second.stderr().includes('runsv app: fatal: supervise/control exists but is not a fifo'));
    assert.ok(isAlive(orphan));
    killPid(second.pid, 'SIGTERM');
    await second.exited;
    assert.equal(isAlive(orphan), false, 'stopped at the init\'s stop');
    assert.match(second.stderr(), new RegExp(`runit: warning: stopping pid ${orphan} of ${app}: left running by a supervisor that is gone\n`));
  });
});
