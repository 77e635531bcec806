// A log service run by the svlogd engine inside its service's own runsv process (issue 16,
// runit's topology), under our runsvdir and under runit's: the log directory is what runit's
// svlogd makes of the same input, real and our sv drive it as they drive a real svlogd, its pid is
// the runsv's and HUP/ALRM to that pid keep svlogd's meaning; log/run's umask gives the same
// modes as a standalone svlogd after that umask; no line is lost across restarts and a full disk.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SERVICE_FILE } from '../../src/protocol/layout.js';
import { NEEDS_RUNIT, ourBin } from '../helpers/binaries.js';
import {
  IN_PROCESS,
  IN_RUNSV,
  IN_RUNSV_UNDER_RUNIT,
  inlineLogPid,
  logContents,
  logText,
  makeLoggedApp,
  RUNIT,
  startSide,
  svlogdProcesses,
  type TreeSide,
} from '../helpers/inline-log-tree.js';
import { isAlive, killPid, spawnTracked } from '../helpers/procs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeService } from '../helpers/service-dir.js';
import { fill, tinyDisk } from '../helpers/tiny-disk.js';
import { normaliseSv, svRun, svStatus } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT_ONLY = process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : false;

/** Waits for the log service to run in process and returns the pid it shows. */
async function inlinePid(tree: ReturnType<typeof startSide>, side: TreeSide, app: string): Promise<number> {
  return waitFor(`${side.label}: the log service running in process`, () => {
    const pid = inlineLogPid(tree, side);
    return pid !== undefined && new RegExp(`run: log: \\(pid ${pid}\\)`).test(svStatus(app)) ? pid : undefined;
  });
}

describe('log services inside runsv', { skip: NEEDS_RUNIT }, () => {
  test('the log directory is byte for byte what runit makes, under our runsvdir and runit\'s', async (t) => {
    const results: string[][] = [];
    for (const side of [IN_RUNSV, IN_RUNSV_UNDER_RUNIT, RUNIT]) {
      const { dir, app } = makeLoggedApp(
        'i=0\nwhile [ $i -lt 400 ]; do echo "line $i"; [ $((i % 7)) -eq 0 ] && echo "skip $i"; i=$((i+1)); done\nexec sleep 1000',
        's300\nn5\n-skip*\npapp: \n',
      );
      const tree = startSide(t, side, dir);
      await waitFor(`${side.label}: the last line logged`, () => logText(join(app, 'log/main')).includes('line 399'), { timeout: 20_000 });
      if (side.inline !== undefined) {
        await inlinePid(tree, side, app);
        assert.deepEqual(svlogdProcesses(tree), [], `${side.label}: no svlogd process`);
      }
      results.push(logContents(join(app, 'log/main')));
      await tree.stopTree();
    }
    assert.ok(results[0]!.length >= 5, 'rotated and pruned to n5');
    assert.deepEqual(results[0], results[2], "under our runsvdir = runit's svlogd");
    assert.deepEqual(results[1], results[2], "under runit's runsvdir = runit's svlogd");
  });

  test('real and our sv drive it: the runsv\'s pid, alarm, hup, down, up, term; HUP and ALRM to the pid', async (t) => {
    const { dir, app } = makeLoggedApp('while :; do echo tick; sleep 0.05; done');
    const tree = startSide(t, IN_RUNSV_UNDER_RUNIT, dir);
    const log = join(app, 'log');
    const main = join(log, 'main');
    const runsv = await inlinePid(tree, IN_RUNSV_UNDER_RUNIT, app);
    assert.equal(readFileSync(join(log, 'supervise/pid'), 'latin1'), `${runsv}\n`);
    assert.equal(normaliseSv(svStatus(app, ourBin('sv'))), normaliseSv(svStatus(app)), 'our sv reads it as runit\'s does');
    await waitFor('ticks in current', () => logText(main).includes('tick'));

    const rotated = (): number => readdirSync(main).filter((name) => name.startsWith('@')).length;
    svRun(['alarm', log]);
    await waitFor('a rotation after sv alarm', () => rotated() === 1);
    // svlogd rotates an empty current into nothing: wait for a tick first.
    await waitFor('a tick in the new current', () => statSync(join(main, 'current')).size > 0);
    killPid(runsv, 'SIGALRM');
    await waitFor('a rotation after ALRM to the pid', () => rotated() === 2);
    // HUP rereads config: a prefix added now is on the lines that follow.
    writeFileSync(join(main, 'config'), 'pA: \n');
    killPid(runsv, 'SIGHUP');
    await waitFor('prefixed ticks after HUP to the pid', () => logText(main).includes('A: tick\n'));
    assert.ok(isAlive(runsv), "HUP and ALRM are the log service's, not the end of runsv");
    writeFileSync(join(main, 'config'), 'pB: \n');
    svRun(['hup', log]);
    await waitFor('prefixed ticks after sv hup', () => logText(main).includes('B: tick\n'));

    assert.match(svRun(['-w', '10', 'down', log]), /^ok: down: .*\/log: /);
    assert.match(svRun(['-w', '10', 'up', log]), new RegExp(`^ok: run: .*/log: \\(pid ${runsv}\\)`));
    assert.match(svRun(['-w', '10', 'down', log], ourBin('sv')), /^ok: down: .*\/log: /);
    assert.match(svRun(['-w', '10', 'up', log], ourBin('sv')), new RegExp(`^ok: run: .*/log: \\(pid ${runsv}\\)`));
    // Last: sv -w term may answer from the record before the TERM, and a `d` sent then would
    // meet runsv's 1-second wait (RSV-22), as with runit's svlogd.
    assert.match(svRun(['-w', '10', 'term', log]), new RegExp(`^ok: run: .*/log: \\(pid ${runsv}\\)`));
    assert.doesNotMatch(tree.stderr(), /fatal/);
  });

  test('NODE_RUNIT_INLINE_LOGS=0, runsvdir --no-inline-logs and log/no-inline keep svlogd a process', async (t) => {
    const sides: TreeSide[] = [
      { ...IN_RUNSV_UNDER_RUNIT, label: 'NODE_RUNIT_INLINE_LOGS=0', env: { NODE_RUNIT_INLINE_LOGS: '0' } },
      { ...IN_RUNSV, label: '--no-inline-logs', args: ['--no-inline-logs'] },
      { ...IN_RUNSV, label: 'log/no-inline' },
    ];
    for (const side of sides) {
      const { dir, app } = makeLoggedApp('exec sleep 1000');
      if (side.label === 'log/no-inline') writeFileSync(join(app, 'log', SERVICE_FILE.noInlineLog), '');
      const tree = startSide(t, side, dir);
      const svlogd = await waitFor(`${side.label}: an svlogd process`, () => svlogdProcesses(tree)[0]);
      await waitFor(`${side.label}: its pid in the status`, () => svStatus(app).includes(`log: (pid ${svlogd})`));
      await tree.stopTree();
    }
  });

  test('a runsv without a log service in it dies of HUP, as runit\'s does (RSV-31)', async (t) => {
    const app = makeService(join(makeTempDir(t), 'app'), { run: 'exec sleep 1000' });
    const runsv = spawnTracked(t, process.execPath, [ourBin('runsv'), app]);
    await waitFor('the service running', () => /^run: /.test(svStatus(app)));
    killPid(runsv.pid, 'SIGHUP');
    assert.equal((await runsv.exited).signal, 'SIGHUP');
    const pid = Number(readFileSync(join(app, 'supervise/pid'), 'latin1'));
    killPid(pid);
  });

  test('umask in log/run: the modes of every file made, and the processor\'s umask, are a standalone svlogd\'s', async (t) => {
    const results: string[][] = [];
    for (const side of [IN_PROCESS, IN_RUNSV, RUNIT]) {
      const { dir, app } = makeLoggedApp('i=0\nwhile [ $i -lt 60 ]; do echo "line $i"; i=$((i+1)); done\nexec sleep 1000', 's200\n!cat; umask > umask-seen\n');
      writeFileSync(join(app, 'log/run'), '#!/bin/sh\numask 0237\nexec svlogd ./main\n');
      const tree = startSide(t, side, dir);
      const main = join(app, 'log/main');
      const settled = (): boolean => {
        const names = readdirSync(main);
        return logText(main).includes('line 59') && names.includes('umask-seen') && !names.some((name) => /\.[tu]$|^newstate$/.test(name));
      };
      await waitFor(`${side.label}: every line, every rotated file processed`, settled, { timeout: 20_000 });
      if (side.inline !== undefined) assert.deepEqual(svlogdProcesses(tree), [], `${side.label}: no svlogd process`);
      const modes = readdirSync(main)
        .filter((name) => name !== 'config')
        .map((name) => `${name.replace(/^@[0-9a-f]{24}/, '@T')} ${(statSync(join(main, name)).mode & 0o7777).toString(8)}`)
        .sort();
      results.push([...new Set(modes), `umask ${readFileSync(join(main, 'umask-seen'), 'latin1').trim()}`]);
      await tree.stopTree();
    }
    assert.ok(results[2]!.includes('state 440'), `runit's state under umask 0237: ${results[2]}`);
    assert.deepEqual(results[0], results[2], "in process = runit's");
    assert.deepEqual(results[1], results[2], "in our runsv = runit's");
  });

  for (const side of [IN_PROCESS, IN_RUNSV]) {
    test(`${side.label}: no line lost while the log service is restarted 20 times and the disk fills`, { skip: ROOT_ONLY, timeout: 120_000 }, async (t) => {
      const disk = tinyDisk(t);
      mkdirSync(join(disk, 'log'));
      writeFileSync(join(disk, 'log/config'), 's4000\n');
      const { dir, app } = makeLoggedApp('i=0\nwhile [ $i -lt 3000 ]; do echo "n $i"; i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.05; done\nexec sleep 1000');
      writeFileSync(join(app, 'log/run'), `#!/bin/sh\nexec svlogd ${disk}/log\n`);
      const tree = startSide(t, side, dir);
      const log = join(app, 'log');
      const logged = (): string => logText(join(disk, 'log'));
      await waitFor('the first lines', () => logged().includes('n 0\n'), { timeout: 20_000 });
      if (side.inline !== undefined) await inlinePid(tree, side, app);
      for (let restart = 0; restart < 10; restart++) svRun(['term', log]);
      fill(join(disk, 'filler'));
      await waitFor('the pausing message', () => tree.stderr().includes(`svlogd: pausing: unable to write to current: ${disk}/log: out of disk space\n`), {
        timeout: 30_000,
      });
      for (let restart = 0; restart < 10; restart++) svRun(['term', log]);
      unlinkSync(join(disk, 'filler'));
      await waitFor('the last line', () => logged().includes('n 2999\n'), { timeout: 60_000 });
      assert.deepEqual(svlogdProcesses(tree), [], 'the log service ran in process throughout');
      const numbers = logged()
        .trim()
        .split('\n')
        .map((line) => Number(line.slice(2)));
      assert.deepEqual(numbers, Array.from({ length: 3000 }, (_, index) => index));
      await tree.stopTree();
    });
  }
});
