// Starting a set in dependency order and waiting until all are ready (docs/extensions.md):
// DevTree.startInOrder with services written by ServiceBuilder, and Manager.startInOrder on a
// tree of normally-down services in both topologies of our runsvdir.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DevTree, Manager } from '../../src/index.js';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { TOPOLOGIES, startExtendedTree } from '../helpers/extension-tree.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { descendantsOf } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isSupervised } from '../helpers/supervise-files.js';
import { waitFor } from '../helpers/wait-for.js';

const READY_AFTER_1S = 'sleep 1; echo >&3; exec sleep 1000';

test('DevTree.startInOrder: enables layer by layer, each ready before the next', { timeout: 60_000 }, async (t) => {
  const tree = new DevTree(join(makeTempDir(t), 'tree'));
  const seen = new Set<number>();
  defer(t, async () => {
    for (const pid of [...seen]) for (const child of descendantsOf(pid)) seen.add(child);
    await tree.stopRunsvdir({ timeout: 20_000 }).catch(() => undefined);
    for (const pid of seen) if (isAlive(pid)) killPid(pid);
  });
  await tree.service('db').command(['sh', '-c', READY_AFTER_1S]).readiness('notification-fd').build();
  await tree.service('web').command(['sleep', '1000']).dependsOn('db').build();
  await tree.service('cache').command(['sleep', '1000']).down().build();
  const ready = await tree.startInOrder(['web', 'db', 'cache']);
  const pid = await tree.runsvdirPid();
  if (pid !== undefined) seen.add(pid);
  assert.deepEqual([...ready.keys()].sort(), ['cache', 'db', 'web']);
  const db = ready.get('db')!;
  const web = ready.get('web')!;
  assert.equal(db.ready, true);
  assert.equal(web.ready, undefined, 'web declares no readiness: ready when up');
  assert.ok(web.since.getTime() >= db.readySince!.getTime(), 'web started after db was ready');
  assert.equal(ready.get('cache')!.state, 'run', 'a normally-down service is started too');
  await assert.rejects(tree.startInOrder(['nope']), { code: 'ERR_INVALID' });
});

for (const topology of TOPOLOGIES) {
  describe(`Manager.startInOrder, ${topology.label}`, { skip: NEEDS_RUNIT, timeout: 60_000 }, () => {
    test('normally-down services come up in dependency order, all ready; a cycle is refused', async (t) => {
      const { dir } = startExtendedTree(t, topology, {
        db: { run: READY_AFTER_1S, down: true, files: { 'notification-fd': '3\n' } },
        web: { down: true, files: { 'dependencies.d/db': '' } },
        c1: { down: true, files: { 'dependencies.d/c2': '' } },
        c2: { down: true, files: { 'dependencies.d/c1': '' } },
      });
      const manager = new Manager({ timeout: 15_000 });
      await waitFor('both supervised', () => isSupervised(join(dir, 'db')) && isSupervised(join(dir, 'web')));
      await manager.waitFor([join(dir, 'db'), join(dir, 'web')], 'down');
      const ready = await manager.startInOrder([join(dir, 'web'), join(dir, 'db')]);
      const db = ready.get(join(dir, 'db'))!;
      const web = ready.get(join(dir, 'web'))!;
      assert.equal(db.ready, true);
      assert.ok(web.since.getTime() >= db.readySince!.getTime());
      await assert.rejects(manager.startInOrder([join(dir, 'c1'), join(dir, 'c2')]), { code: 'ERR_INVALID' });
    });
  });
}
