// A quiet runsvdir --in-process drops the file pages it mapped while starting, supervises on from
// the page cache, and keeps them all with NODE_RUNIT_RELEASE_PAGES=0 (issue 22, memory).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT, ourBin } from '../helpers/binaries.js';
import { makeTreeRoot, pathWith, startRunsvdirTree } from '../helpers/runsvdir-tree.js';
import { makeService } from '../helpers/service-dir.js';
import { svRun, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';

/** Resident KiB of `pid` that come from files (Rss less anonymous and shared memory). */
function fileResidentKiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
  return field('Rss') - field('Anonymous') - field('Shmem');
}

test('a quiet --in-process host drops its start-up pages; the opt-out keeps them', { skip: NEEDS_RUNIT || process.platform !== 'linux' }, async (t) => {
  const hosts = ['released', 'kept'].map((name) => {
    const dir = join(makeTreeRoot(), name);
    makeService(join(dir, 'a'));
    const env = { ...process.env, PATH: pathWith('/usr/bin'), NODE_RUNIT_RELEASE_PAGES: name === 'kept' ? '0' : '1' };
    return { dir, tree: startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), '--in-process', dir], env, dirname(dir)) };
  });
  const [released, kept] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
  for (const host of hosts) await waitRunning(join(host.dir, 'a'));
  // Node maps tens of MiB of its binary while it starts; a host at rest touches a part again
  // (measured: 13-15 MiB of ~43 on Node 20, 15-27 MiB of ~48 on Node 24).
  let seen = '';
  await waitFor(
    'the released host to hold less than three quarters of the file pages of the one that keeps them',
    () => {
      const [ours, theirs] = [fileResidentKiB(released.tree.pid), fileResidentKiB(kept.tree.pid)];
      seen = `${ours} KiB against ${theirs} KiB`;
      return ours * 4 < theirs * 3;
    },
    { timeout: 60_000, interval: 200 },
  ).catch((error: unknown) => assert.fail(`${String(error)}: last ${seen}`));
  // Supervision goes on from the page cache: control, restart, a new service.
  assert.match(svRun(['-w', '30', 'd', join(released.dir, 'a')]), /^ok: down: /);
  assert.match(svRun(['-w', '30', 'u', join(released.dir, 'a')]), /^ok: run: /);
  makeService(join(released.dir, 'b'));
  await waitRunning(join(released.dir, 'b'));
  assert.equal(released.tree.stderr(), '');
  for (const host of hosts) await host.tree.stopTree();
});
