// DevTree end to end: services built into the tree, enabled and disabled under a detached
// runsvdir (ours --in-process, and runit's), start idempotent, stop orderly with nothing left.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DevTree, type DevServiceStatus } from '../../src/index.js';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { descendantsOf } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const VARIANTS: Array<[string, { command: string; args: string[] } | undefined, string | false]> = [
  ['our runsvdir --in-process', undefined, false],
  ["runit's runsvdir", { command: realBin('runsvdir'), args: [] }, NEEDS_RUNIT],
];

function running(list: DevServiceStatus[], name: string): boolean {
  const entry = list.find((s) => s.name === name);
  return entry !== undefined && entry.isSupervised && entry.status?.state === 'run' && entry.status.pid > 0;
}

for (const [what, runsvdir, skip] of VARIANTS) {
  test(`DevTree under ${what}`, { skip }, async (t) => {
    const tree = new DevTree(join(makeTempDir(t), 'tree'), runsvdir === undefined ? {} : { runsvdir });
    const seen = new Set<number>();
    defer(t, async () => {
      // Whatever the test did (or DevTree failed to do), nothing it started may outlive it.
      for (const pid of [...seen]) for (const child of descendantsOf(pid)) seen.add(child);
      await tree.stopRunsvdir({ timeout: 20_000 }).catch(() => undefined);
      for (const pid of seen) if (isAlive(pid)) killPid(pid);
    });
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
