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

  // Killed and started again: the same instances, under the new runsvdir.
  const first = await tree.startRunsvdir();
  const service = await running(web);
  const logger = await running(join(web, 'log'));
  await killRunsvdir(first);
  const second = await tree.startRunsvdir();
  assert.notEqual(second, first);
  await waitFor('the new runsvdir to supervise web', async () => (await tree.status())[0]?.isSupervised);
  assert.equal(readStatus(web)?.pid, service, 'the running service is taken over');
  assert.equal(readStatus(join(web, 'log'))?.pid, logger, 'and its log service');
  assert.equal(await tree.stopRunsvdir(), true);
  assert.equal(isAlive(service) || isAlive(logger), false, 'stopped by the runsvdir that took them over');

  // Killed and not started again: stopRunsvdir() finds them, names them, and stops them.
  const third = await tree.startRunsvdir();
  const orphan = await running(web);
  const orphanLogger = await running(join(web, 'log'));
  await killRunsvdir(third);
  assert.ok(isAlive(orphan) && isAlive(orphanLogger), 'the service and its log service outlive runsvdir');
  const told: Orphan[] = [];
  assert.equal(await tree.stopRunsvdir({ onOrphan: (found) => told.push(found) }), true, 'there was something to stop');
  assert.deepEqual(
    told.map(({ dir, isLog, pid }) => ({ dir, isLog, pid })),
    [
      { dir: web, isLog: false, pid: orphan },
      { dir: join(web, 'log'), isLog: true, pid: orphanLogger },
    ],
  );
  assert.equal(isAlive(orphan) || isAlive(orphanLogger), false, 'nothing left');
  assert.equal(await tree.stopRunsvdir(), false, 'nothing more to stop');
});
