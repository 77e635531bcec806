// runsvdir side by side with real /usr/bin/runsvdir (Debian 2.1.2): usage, messages, signals,
// SIGALRM's forced rescan, the log argument; and real runsvdir spawning our runsv.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, OUR_BIN, ourBin, realBin } from '../helpers/binaries.js';
import { descendants, descendantsNamed, isAlive } from '../helpers/procs.js';
import { makeTreeRoot, pathWith, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService } from '../helpers/service-dir.js';
import { svStatus, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';


const IMPLEMENTATIONS = [
  { label: 'real', command: realBin('runsvdir'), prefix: [] as string[] },
  { label: 'ours', command: process.execPath, prefix: [ourBin('runsvdir')] },
];
const ENV = { ...process.env, PATH: pathWith('/usr/bin') };

function treeWithOneService(): { dir: string; svc: string } {
  const dir = join(makeTreeRoot(), 'sv');
  mkdirSync(dir);
  return { dir, svc: makeService(join(dir, 'a')) };
}

describe('runsvdir compat', { skip: NEEDS_RUNIT }, () => {
  test('usage: message and exit 1 (RSD-1, REF-5)', () => {
    for (const impl of IMPLEMENTATIONS) {
      const result = spawnSync(impl.command, [...impl.prefix], { encoding: 'utf8', env: ENV });
      assert.equal(result.status, 1, impl.label);
      assert.match(result.stderr, /^usage: \S*runsvdir \[-P\] dir\n\n$/, impl.label);
    }
  });

  for (const impl of IMPLEMENTATIONS) {
    test(`${impl.label}: warnings for a dangling symlink, a short log, no runsv on PATH (RSD-2, RSD-3, RSD-6)`, async (t) => {
      const { dir } = treeWithOneService();
      symlinkSync('nowhere', join(dir, 'dang'));
      // No runsv on PATH: the start failure is reported and retried (RSD-6).
      const tree = startRunsvdirTree(t, impl.command, [...impl.prefix, dir, 'short'], { ...ENV, PATH: '/nonexistent' }, dirname(dir));
      const fatal = `runsvdir ${dir}: fatal: unable to start runsv a: file does not exist`;
      await waitFor('the stat warning and two start failures', () =>
        tree.stderr().includes('dang') && tree.stderr().split(fatal).length > 2,
      );
      const lines = tree.stderr().split('\n');
      assert.equal(lines[0], `runsvdir ${dir}: warning: log must have at least seven characters.`);
      assert.equal(lines[1], `runsvdir ${dir}: warning: log service disabled.`);
      assert.ok(lines.includes(`runsvdir ${dir}: warning: unable to stat dang: file does not exist`), tree.stderr());
    });

    test(`${impl.label}: the log argument scrolls stderr through the process title (RSD-3, IMP-7)`, async (t) => {
      const { dir } = treeWithOneService();
      symlinkSync('nowhere', join(dir, 'dang'));
      // A service's stderr is runsvdir's fd 2, the pipe into the title.
      makeService(join(dir, 'talker'), { run: 'echo talker-says-hi >&2; exec sleep 1000' });
      const log = `log: ${'x'.repeat(120)}`;
      const tree = startRunsvdirTree(t, impl.command, [...impl.prefix, dir, log], ENV, dirname(dir));
      const title = await waitFor('the warning in the title', () => {
        const text = readFileSync(`/proc/${tree.pid}/cmdline`, 'latin1');
        const isBoth = text.includes('warning: unable to stat dang: file does not exist\n') && text.includes('talker-says-hi\n');
        return isBoth ? text : undefined;
      });
      // The log argument keeps its length: 5 fixed characters and a window that scrolled.
      const shown = title.slice(title.indexOf(dir) + dir.length + 1).split('\0')[0]!;
      assert.equal(shown.length, log.length);
      assert.match(shown, /^log: x*[^x]/);
      assert.match(shown, /runsvdir [^\n]+: warning: unable to stat dang: file does not exist\n/);
    });

    test(`${impl.label}: SIGALRM forces a rescan and writes .forced-rescan (RSD-8)`, async (t) => {
      const { dir, svc } = treeWithOneService();
      const tree = startRunsvdirTree(t, impl.command, [...impl.prefix, dir], ENV, dirname(dir));
      await waitRunning(svc);
      process.kill(tree.pid, 'SIGALRM');
      const path = join(dir, '.forced-rescan');
      const text = await waitFor('.forced-rescan', () => {
        try {
          // Trunc-open then write, as Debian does: an empty read is the moment in between.
          return readFileSync(path, 'latin1') || undefined;
        } catch {
          return undefined;
        }
      });
      assert.match(text, /^@4[0-9a-f]{23}$/);
      assert.equal(statSync(path).mode & 0o777, 0o644);
      assert.equal(isAlive(tree.pid), true, 'runsvdir survives SIGALRM');
    });

    test(`${impl.label}: TERM exits 0 and leaves runsv running (RSD-7)`, async (t) => {
      const { dir, svc } = treeWithOneService();
      const tree = startRunsvdirTree(t, impl.command, [...impl.prefix, dir], ENV, dirname(dir));
      const servicePid = await waitRunning(svc);
      const runsv = descendantsNamed(tree.pid, 'runsv');
      assert.equal(runsv.length, 1, `runsv processes: ${JSON.stringify(runsv)}; stderr: ${tree.stderr()}`);
      process.kill(tree.pid, 'SIGTERM');
      assert.deepEqual(await tree.exited, { code: 0, signal: null }, tree.stderr());
      assert.equal(isAlive(runsv[0]!), true, 'runsv must survive');
      assert.equal(isAlive(servicePid), true, 'the service must survive');
    });

    test(`${impl.label}: -P puts each runsv in its own session; HUP TERMs every runsv and exits 111 (RSD-6, RSD-7)`, async (t) => {
      const { dir, svc } = treeWithOneService();
      const tree = startRunsvdirTree(t, impl.command, [...impl.prefix, '-P', dir], ENV, dirname(dir));
      const servicePid = await waitRunning(svc);
      const runsv = descendantsNamed(tree.pid, 'runsv');
      assert.equal(runsv.length, 1);
      assert.equal(sessionOf(runsv[0]!), runsv[0], 'runsv leads its own session');
      process.kill(tree.pid, 'SIGHUP');
      assert.deepEqual(await tree.exited, { code: 111, signal: null });
      await waitFor('runsv and its service to stop', () => !isAlive(runsv[0]!) && !isAlive(servicePid));
    });
  }

  test('real runsvdir spawns our runsv (our bin first in PATH), real sv controls it', async (t) => {
    const { dir, svc } = treeWithOneService();
    makeService(join(dir, 'b'));
    const tree = startRunsvdirTree(t, realBin('runsvdir'), [dir], { ...process.env, PATH: pathWith(OUR_BIN) }, dirname(dir));
    await waitRunning(svc);
    await waitRunning(join(dir, 'b'));
    // Ours run as node under the name runsv (issue 15).
    const runsv = descendants(tree.pid).filter((pid) => readFileSync(`/proc/${pid}/comm`, 'latin1') === 'runsv\n' && readlinkSync(`/proc/${pid}/exe`) !== realBin('runsv'));
    assert.equal(runsv.length, 2, 'two of our runsv (node) processes');
    assert.match(svStatus(svc), /^run: /);
    process.kill(tree.pid, 'SIGHUP');
    assert.equal((await tree.exited).code, 111);
    await waitFor('our runsv to stop on TERM', () => runsv.every((pid) => !isAlive(pid)), { timeout: 15_000 });
  });
});

function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}
