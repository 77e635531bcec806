// Log services run by the svlogd engine inside runsvdir --in-process (issue 16): the log
// directory holds what a standalone svlogd (ours, and runit's under runit's runsvdir) makes of
// the same input; real sv drives the log service as it drives a real svlogd; no line is lost.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { installedBin } from '../helpers/installed-bin.js';
import { descendantsNamed } from '../helpers/procs.js';
import { IN_PROCESS, logContents, logText, makeLoggedApp, OUR_SVLOGD, RUNIT, startSide } from '../helpers/inline-log-tree.js';
import { fill, tinyDisk } from '../helpers/tiny-disk.js';
import { svRun, svStatus } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

/** nobody's ids, from the password file the programs under test read. */
const NOBODY = (() => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('nobody:'))!;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
})();

const SIDES = [IN_PROCESS, OUR_SVLOGD, RUNIT];

describe('log services in the one process', { skip: NEEDS_RUNIT }, () => {
  test('the log directory is byte for byte what a standalone svlogd makes: rotation, pruning, filters, prefix', async (t) => {
    const results: string[][] = [];
    for (const side of SIDES) {
      const { dir, app } = makeLoggedApp(
        'i=0\nwhile [ $i -lt 400 ]; do echo "line $i"; [ $((i % 7)) -eq 0 ] && echo "skip $i"; i=$((i+1)); done\nexec sleep 1000',
        's300\nn5\n-skip*\npapp: \n',
      );
      const tree = startSide(t, side, dir);
      await waitFor(`${side.label}: the last line logged`, () => logText(join(app, 'log/main')).includes('line 399'), { timeout: 20_000 });
      if (side.label === 'in process') {
        assert.deepEqual(descendantsNamed(tree.pid, 'svlogd'), [], 'no svlogd process: the engine runs in runsvdir');
      }
      results.push(logContents(join(app, 'log/main')));
      await tree.stopTree();
    }
    assert.ok(results[0]!.length >= 5, 'rotated and pruned to n5');
    assert.match(results[0]!.join(''), /app: line 399\n$/);
    assert.doesNotMatch(results[0]!.join(''), /skip/);
    assert.deepEqual(results[0], results[1], 'in process = our standalone svlogd');
    assert.deepEqual(results[0], results[2], "in process = runit's svlogd");
  });

  test('real sv drives the log service: status, alarm, down, up, term', async (t) => {
    const { dir, app } = makeLoggedApp('while :; do echo tick; sleep 0.05; done');
    const tree = startSide(t, SIDES[0]!, dir);
    const log = join(app, 'log');
    await waitFor('the log service to run', () => new RegExp(`run: log: \\(pid ${tree.pid}\\)`).test(svStatus(app)));
    await waitFor('ticks in current', () => logText(join(log, 'main')).includes('tick'));

    svRun(['alarm', log]);
    await waitFor('a rotation after sv alarm', () => readdirSync(join(log, 'main')).some((name) => name.startsWith('@')));

    svRun(['down', log]);
    await waitFor('the log service down', () => /^down: .*\/log: /.test(svStatus(log)));
    svRun(['up', log]);
    await waitFor('the log service up again', () => new RegExp(`^run: .*/log: \\(pid ${tree.pid}\\)`).test(svStatus(log)));
    const before = logText(join(log, 'main')).length;
    await waitFor('ticks logged after up', () => logText(join(log, 'main')).length > before);

    const restarted = svRun(['-w', '5', 'term', log]);
    assert.match(restarted, /^ok: run: .*\/log: /);
    assert.doesNotMatch(tree.stderr(), /fatal/);
  });

  test('chpst -u USER svlogd: the files belong to USER, as a standalone svlogd run as USER makes them', async (t) => {
    const owners: string[][] = [];
    // Run as nobody, our chpst and svlogd must be reachable from any checkout (a 0700 clone).
    const asProcess = { ...SIDES[1]!, path: `${dirname(installedBin('svlogd'))}:/usr/bin:/bin` };
    for (const side of [SIDES[0]!, asProcess]) {
      const { dir, app } = makeLoggedApp('i=0\nwhile [ $i -lt 50 ]; do echo "line $i"; i=$((i+1)); done\nexec sleep 1000');
      writeFileSync(join(app, 'log/run'), '#!/bin/sh\nexec chpst -u nobody svlogd ./main\n');
      chownSync(join(app, 'log/main'), NOBODY.uid, NOBODY.gid);
      const tree = startSide(t, side, dir);
      const main = join(app, 'log/main');
      await waitFor(`${side.label}: the last line`, () => logText(main).includes('line 49'));
      if (side.label === 'in process') assert.deepEqual(descendantsNamed(tree.pid, 'svlogd'), []);
      owners.push(['lock', 'current'].map((name) => {
        const stat = statSync(join(main, name));
        return `${name} ${stat.uid}:${stat.gid} ${(stat.mode & 0o777).toString(8)}`;
      }));
      await tree.stopTree();
    }
    assert.deepEqual(owners[0], [`lock ${NOBODY.uid}:${NOBODY.gid} 600`, `current ${NOBODY.uid}:${NOBODY.gid} 644`]);
    assert.deepEqual(owners[0], owners[1]);
  });

  test('chpst -u USER svlogd on a directory USER cannot write runs as a process, and fails as runit does', async (t) => {
    const { dir, app } = makeLoggedApp('exec sleep 1000');
    writeFileSync(join(app, 'log/run'), '#!/bin/sh\nexec chpst -u nobody svlogd ./main\n');
    const tree = startSide(t, SIDES[0]!, dir);
    await waitFor('svlogd to refuse the directory', () => /svlogd: (warning: unable to lock directory|fatal: no functional log directories)/.test(tree.stderr()));
  });

  test('no line is lost while the log service is restarted 20 times', async (t) => {
    const { dir, app } = makeLoggedApp(
      'i=0\nwhile [ $i -lt 3000 ]; do echo "n $i"; i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.05; done\nexec sleep 1000',
      's5000\nn100\n',
    );
    startSide(t, SIDES[0]!, dir);
    const log = join(app, 'log');
    await waitFor('the first lines', () => logText(join(log, 'main')).includes('n 0\n'));
    for (let restart = 0; restart < 20; restart++) svRun(['term', log]);
    await waitFor('the last line', () => logText(join(log, 'main')).includes('n 2999\n'), { timeout: 30_000 });
    const numbers = logText(join(log, 'main'))
      .trim()
      .split('\n')
      .map((line) => Number(line.slice(2)));
    assert.deepEqual(numbers, Array.from({ length: 3000 }, (_, index) => index));
  });

  test('a full disk: the log service pauses, says so, and loses nothing once space returns (SVL-16)', { skip: process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : false }, async (t) => {
    const disk = tinyDisk(t);
    mkdirSync(join(disk, 'log'));
    const { dir, app } = makeLoggedApp('i=0\nwhile [ $i -lt 300 ]; do echo "full $i"; i=$((i+1)); done\nexec sleep 1000');
    writeFileSync(join(app, 'log/run'), `#!/bin/sh\nexec svlogd ${disk}/log\n`);
    fill(join(disk, 'filler'));
    const tree = startSide(t, SIDES[0]!, dir);
    await waitFor('the pausing message', () => tree.stderr().includes(`svlogd: pausing: unable to write to current: ${disk}/log: out of disk space\n`), { timeout: 15_000 });
    assert.deepEqual(descendantsNamed(tree.pid, 'svlogd'), []);
    unlinkSync(join(disk, 'filler'));
    await waitFor('every line once space returns', () => readFileSync(join(disk, 'log/current'), 'latin1').includes('full 299\n'), { timeout: 15_000 });
    const expected = Array.from({ length: 300 }, (_, index) => `full ${index}\n`).join('');
    assert.equal(readFileSync(join(disk, 'log/current'), 'latin1'), expected);
    await tree.stopTree();
  });
});
