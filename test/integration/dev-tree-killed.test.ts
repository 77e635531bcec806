// DevTree's runsvdir killed with SIGKILL (issue 14, fault 2): a new startRunsvdir() takes the
// orphans over instead of running a second instance beside them, and stopRunsvdir() stops
// whatever no supervisor holds, naming each, so nothing outlives an orderly stop.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DevTree, type Orphan } from '../../src/index.js';
import { defer } from '../helpers/cleanup.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { readStatus } from '../helpers/supervise-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

async function running(dir: string): Promise<number> {
  return waitFor(`${dir} to run`, () => {
    const record = readStatus(dir);
    return record?.state === 1 && record.pid > 0 ? record.pid : undefined;
  }, { timeout: 20_000, interval: 50 });
}

/** SIGKILL, and back once its main thread is dead: its other threads may still be exiting. */
async function killRunsvdir(pid: number): Promise<void> {
  killPid(pid, 'SIGKILL');
  await waitFor('runsvdir to be killed', () => !isAlive(pid));
}

test('DevTree: a killed runsvdir\'s services are taken over by the next one, or stopped by stopRunsvdir()', async (t) => {
  const tree = new DevTree(join(makeTempDir(t), 'tree'));
  defer(t, async () => {
    await tree.stopRunsvdir({ timeout: 20_000 }).catch(() => undefined);
  });
  await tree.ensure();
  await tree.service('web').command(['sleep', '778841']).log({ timestamps: 'tai64n' }).build();
  await tree.enable('web');
  const web = join(tree.servicesDir, 'web');

  // Killed and started again: the same service instance, under the new runsvdir. Its log
  // service ran inside the killed runsvdir and died with it: the new one runs it again.
  const first = await tree.startRunsvdir();
  const service = await running(web);
  assert.equal(await running(join(web, 'log')), first, 'the log service runs inside runsvdir');
  await killRunsvdir(first);
  assert.ok(isAlive(service), 'the service outlives runsvdir');
  const second = await tree.startRunsvdir();
  assert.notEqual(second, first);
  await waitFor('the new runsvdir to supervise web', async () => (await tree.status())[0]?.isSupervised);
  assert.equal(readStatus(web)?.pid, service, 'the running service is taken over');
  await waitFor('its log service in the new runsvdir', () => readStatus(join(web, 'log'))?.pid === second);
  assert.equal(await tree.stopRunsvdir(), true);
  assert.equal(isAlive(service), false, 'stopped by the runsvdir that took it over');

  // Killed and not started again: stopRunsvdir() finds the service, names it, and stops it.
  const third = await tree.startRunsvdir();
  const orphan = await running(web);
  await killRunsvdir(third);
  assert.ok(isAlive(orphan), 'the service outlives runsvdir');
  const told: Orphan[] = [];
  assert.equal(await tree.stopRunsvdir({ onOrphan: (found) => told.push(found) }), true, 'there was something to stop');
  assert.deepEqual(told.map(({ dir, isLog, pid }) => ({ dir, isLog, pid })), [{ dir: web, isLog: false, pid: orphan }]);
  assert.equal(isAlive(orphan), false, 'nothing left');
  assert.equal(await tree.stopRunsvdir(), false, 'nothing more to stop');
});
