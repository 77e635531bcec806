// DevTree end to end: services built into the tree, enabled and disabled under a detached
// runsvdir (ours --in-process, and runit's), start idempotent, stop orderly with nothing left.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DevTree, type DevServiceStatus } from '../../src/index.js';
import { makeTree, TREE_VARIANTS } from '../helpers/dev-tree.js';
import { isAlive } from '../helpers/procs.js';
import { descendantsOf } from '../helpers/scanner-proc.js';
import { waitFor } from '../helpers/wait-for.js';

function running(list: DevServiceStatus[], name: string): boolean {
  const entry = list.find((s) => s.name === name);
  return entry !== undefined && entry.isSupervised && entry.status?.state === 'run' && entry.status.pid > 0;
}

for (const [what, runsvdir, skip] of TREE_VARIANTS) {
  test(`DevTree under ${what}`, { skip }, async (t) => {
    const { tree, seen } = makeTree(t, runsvdir);
    await tree.ensure();
    await tree.ensure();
    await tree.service('web').command(['sleep', '1000']).log({ timestamps: 'tai64n' }).build();
    await tree.service('worker').command(['sleep', '1000']).build();
    await tree.enable('web');
    await tree.enable('web');
    await assert.rejects(tree.enable('missing'), { code: 'ERR_INVALID' });

    const [pid, again] = await Promise.all([tree.startRunsvdir(), tree.startRunsvdir()]);
    seen.add(pid);
    assert.equal(again, pid, 'two starts at once start one runsvdir');
    assert.equal(await tree.startRunsvdir(), pid, 'a later start finds the running one');
    assert.equal(await new DevTree(tree.base).runsvdirPid(), pid, 'another DevTree on the same base finds it through the pidfile');
    await waitFor('web supervised and running', async () => running(await tree.status(), 'web'), { timeout: 20_000 });
    const before = await tree.status();
    assert.deepEqual(
      before.map((s) => [s.name, s.isEnabled, s.isSupervised]),
      [
        ['web', true, true],
        ['worker', false, false],
      ],
    );

    await tree.enable('worker');
    await waitFor('worker picked up', async () => running(await tree.status(), 'worker'), { timeout: 20_000 });
    for (const child of descendantsOf(pid)) seen.add(child);
    await tree.disable('web');
    await tree.disable('web');
    await waitFor('web no longer supervised', async () => !(await tree.status()).find((s) => s.name === 'web')!.isSupervised, { timeout: 20_000 });

    assert.equal(await tree.stopRunsvdir(), true);
    assert.equal(isAlive(pid), false, 'runsvdir is gone');
    assert.deepEqual([...seen].filter(isAlive), [], 'no supervisor, service or logger is left');
    assert.equal(existsSync(tree.pidFile), false);
    assert.equal(await tree.stopRunsvdir(), false, 'stopping a stopped tree is a no-op');
  });
}
