// The exits of processes that are not our children (issue 14, fault 2): a taken-over service is
// reparented elsewhere, so only its pidfd tells us it has ended.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ExitWatch } from '../../../src/runsv/exit-watch.js';
import { isAlive, killPid, readParent } from '../../helpers/procs.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A `sleep` whose parent has exited: not our child, as an orphaned service is not its new supervisor's. */
function startOrphan(t: { after(fn: () => void): void }): number {
  const pid = Number(execFileSync('sh', ['-c', 'sleep 100 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim());
  t.after(() => killPid(pid));
  return pid;
}

test('an orphan is watched, signalled through its pidfd, and its exit noticed', async (t) => {
  const pid = startOrphan(t);
  assert.notEqual(readParent(pid), process.pid);
  const watch = new ExitWatch(20);
  let exits = 0;
  assert.equal(watch.watch(pid, () => (exits += 1)), true);
  assert.equal(watch.has(pid), true);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(exits, 0, 'no exit while it runs');
  watch.signal(pid, 15);
  await waitFor('the exit to be noticed', () => exits === 1);
  assert.equal(isAlive(pid), false);
  assert.equal(watch.has(pid), false);
  watch.signal(pid, 15); // no longer watched: nothing is sent to whoever gets the pid next
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(exits, 1, 'noticed once');
});

test('a process already gone is not watched; a forgotten one is never reported', async (t) => {
  const watch = new ExitWatch(20);
  assert.equal(watch.watch(0x3fffffff, () => assert.fail('no such process')), false);
  const pid = startOrphan(t);
  assert.equal(watch.watch(pid, () => assert.fail('forgotten')), true);
  watch.forget(pid);
  killPid(pid);
  await waitFor('the orphan to end', () => !isAlive(pid));
  await new Promise((resolve) => setTimeout(resolve, 100));
});
