// Log services run by the svlogd engine inside runsvdir --in-process (issue 16): the log
// directory holds what a standalone svlogd (ours, and runit's under runit's runsvdir) makes of
// the same input; real sv drives the log service as it drives a real svlogd; no line is lost.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, OUR_BIN, ourBin, realBin } from '../helpers/binaries.js';
import { descendantsNamed } from '../helpers/procs.js';
import { makeTreeRoot, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService } from '../helpers/service-dir.js';
import { svRun, svStatus } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

/** Every file of a log directory but its lock, oldest first: rotated files by name, then current. */
function logContents(dir: string): string[] {
  const names = readdirSync(dir).filter((name) => name.startsWith('@')).sort();
  return [...names, 'current'].map((name) => readFileSync(join(dir, name), 'latin1'));
}

function logText(dir: string): string {
  try {
    return logContents(dir).join('');
  } catch {
    return '';
  }
}

interface TreeSide {
  label: string;
  runsvdir: string;
  args: string[];
  path: string;
}

const SIDES: TreeSide[] = [
  { label: 'in process', runsvdir: ourBin('runsvdir'), args: ['--in-process'], path: `${OUR_BIN}:/usr/bin:/bin` },
  { label: 'our svlogd', runsvdir: ourBin('runsvdir'), args: ['--in-process', '--no-inline-logs'], path: `${OUR_BIN}:/usr/bin:/bin` },
  { label: "runit's", runsvdir: realBin('runsvdir'), args: [], path: '/usr/bin:/bin' },
];

function startSide(t: TestContext, side: TreeSide, dir: string) {
  const command = side.runsvdir.startsWith('/usr/') ? side.runsvdir : process.execPath;
  const args = side.runsvdir.startsWith('/usr/') ? [...side.args, dir] : [side.runsvdir, ...side.args, dir];
  return startRunsvdirTree(t, command, args, { ...process.env, PATH: side.path }, dirname(dir));
}

/** A scanned directory `sv` holding one service `app` whose log service is `svlogd ./main`. */
function makeLoggedApp(run: string, config?: string): { dir: string; app: string } {
  const dir = join(makeTreeRoot(), 'sv');
  mkdirSync(dir);
  const app = makeService(join(dir, 'app'), { run, log: { run: 'exec svlogd ./main' } });
  mkdirSync(join(app, 'log/main'));
  if (config !== undefined) writeFileSync(join(app, 'log/main/config'), config);
  return { dir, app };
}

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
});
