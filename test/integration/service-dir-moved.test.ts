// A service directory replaced, renamed or deleted under a running tree (issue 14, fault 1):
// runit's runsv lives inside its directory (chdir), so whatever it writes or runs follows the
// directory it started in, never whatever the path names later. Ours holds a directory fd; the
// status files, the control FIFO, ./finish, control/ hooks and the log service must all follow.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, OUR_BIN, ourBin } from '../helpers/binaries.js';
import { isAlive } from '../helpers/procs.js';
import { makeTreeRoot, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService, readText } from '../helpers/service-dir.js';
import { readStatus } from '../helpers/supervise-files.js';
import { svRun, svStatus, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

const MODES = [
  { label: 'our runsv processes', extra: [] as string[] },
  { label: '--in-process', extra: ['--in-process'] },
];

/** The argv of a process, or '' once it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
  } catch {
    return '';
  }
}

for (const mode of MODES) {
  describe(`a moved service directory, ${mode.label}`, { skip: NEEDS_RUNIT }, () => {
    const start = (t: TestContext, dir: string) =>
      startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), ...mode.extra, dir], {
        ...process.env,
        PATH: `${OUR_BIN}:${process.env['PATH'] ?? ''}`,
      }, dirname(dir));

    test('replaced: the old supervisor never writes into the new directory', async (t) => {
      const root = makeTreeRoot();
      const enabled = join(root, 'enabled');
      mkdirSync(enabled);
      const app = join(root, 'svc', 'app');
      makeService(app, { run: 'exec sleep 778801' });
      symlinkSync('../svc/app', join(enabled, 'app'));
      const tree = start(t, enabled);
      const oldPid = await waitRunning(join(enabled, 'app'));

      rmSync(app, { recursive: true, force: true });
      makeService(app, { run: 'exec sleep 778802' });
      const now = new Date();
      utimesSync(enabled, now, new Date(now.getTime() + 2000)); // a new mtime: runsvdir looks again
      await waitFor('the old instance to stop', () => !isAlive(oldPid), { timeout: 15_000 });
      const newPid = await waitFor(
        'the new instance in the new directory\'s status',
        () => {
          const record = readStatus(app);
          return record !== undefined && record.pid > 0 && commandLine(record.pid).includes('778802') ? record.pid : undefined;
        },
        { timeout: 15_000 },
      );
      // The old supervisor writes its last record right after its child ends; had it written
      // here, the record would turn to down within this window.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        assert.equal(readStatus(app)?.pid, newPid, 'the new directory\'s record names the new instance');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.match(svStatus(join(enabled, 'app')), new RegExp(`^run: .*\\(pid ${newPid}\\)`));
      assert.equal(readText(join(app, 'supervise/stat')), 'run\n');
      assert.equal(readText(join(app, 'supervise/pid')), `${newPid}\n`);
      assert.ok(isAlive(tree.pid));
    });

    test('renamed: status, control, finish, hooks and the log service follow the directory', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      makeService(join(dir, 'app'), {
        run: 'echo started\nexec sleep 1000',
        finish: 'echo finished > ./finish-ran',
        hooks: { h: 'echo hook-h > ./hook-ran\nexit 0' },
        log: { run: 'exec cat >> ./out' },
      });
      const tree = start(t, dir);
      const pid = await waitRunning(join(dir, 'app'));
      await waitFor('the first line in the log', () => readText(join(dir, 'app/log/out'))?.includes('started'));

      // Same (dev, inode) under a new name: runsvdir keeps the same supervisor (RSD-4).
      const moved = join(dir, 'moved');
      renameSync(join(dir, 'app'), moved);
      svRun(['hup', moved]);
      await waitFor('the hook to run in the moved directory', () => existsSync(join(moved, 'hook-ran')));
      svRun(['down', moved]);
      await waitFor('down in the moved directory\'s status', () => /^down: /.test(svStatus(moved)));
      assert.ok(!isAlive(pid));
      await waitFor('./finish to run in the moved directory', () => existsSync(join(moved, 'finish-ran')));
      svRun(['up', moved]);
      await waitFor('a second start logged in the moved log directory', () => readText(join(moved, 'log/out'))?.match(/started/g)?.length === 2);
      assert.equal(existsSync(join(dir, 'app')), false, 'nothing was written under the old name');
      assert.doesNotMatch(tree.stderr(), /warning|fatal/);
    });

    test('deleted: the supervisor stops its service and recreates nothing; the others run on', async (t) => {
      const root = makeTreeRoot();
      const dir = join(root, 'sv');
      mkdirSync(dir);
      makeService(join(dir, 'gone'), { finish: 'exit 0', log: {} });
      makeService(join(dir, 'stays'));
      const tree = start(t, dir);
      const gonePid = await waitRunning(join(dir, 'gone'));
      const staysPid = await waitRunning(join(dir, 'stays'));
      rmSync(join(dir, 'gone'), { recursive: true, force: true });
      await waitFor('the deleted service to stop', () => !isAlive(gonePid), { timeout: 15_000 });
      assert.equal(existsSync(join(dir, 'gone')), false, 'the deleted directory was recreated');
      assert.ok(isAlive(tree.pid), 'runsvdir lives on');
      assert.equal(await waitRunning(join(dir, 'stays')), staysPid);
    });
  });
}
