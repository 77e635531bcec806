// DevTree without a runsvdir: layout, enable/disable links, names refused, the per-user base.
import assert from 'node:assert/strict';
import { lstatSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DevTree, RunitError } from '../../../src/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('layout, enable and disable (idempotent), and refused names', async (t) => {
  const tree = new DevTree(join(makeTempDir(t), 'tree'));
  await tree.ensure();
  assert.deepEqual(readdirSync(tree.base).sort(), ['enabled', 'log', 'services']);
  await tree.service('web').command(['sleep', '1']).build();
  await tree.enable('web');
  await tree.enable('web');
  assert.equal(readlinkSync(join(tree.enabledDir, 'web')), '../services/web');
  assert.ok(lstatSync(join(tree.enabledDir, 'web')).isSymbolicLink());
  assert.deepEqual(readdirSync(tree.enabledDir), ['web'], 'no temp link left');
  for (const name of ['', '.x', 'a/b', 'missing']) await assert.rejects(tree.enable(name), { code: 'ERR_INVALID' }, name);
  assert.deepEqual(
    (await tree.status()).map((s) => [s.name, s.isEnabled, s.isSupervised, s.status]),
    [['web', true, false, undefined]],
  );
  await tree.disable('web');
  await tree.disable('web');
  assert.deepEqual(readdirSync(tree.enabledDir), []);
  assert.equal(await tree.runsvdirPid(), undefined);
  assert.equal(await tree.stopRunsvdir(), false);
});

test('the per-user tree follows XDG_STATE_HOME', () => {
  assert.equal(DevTree.forUser({}, { XDG_STATE_HOME: '/state' }).base, '/state/node-runit');
  assert.equal(DevTree.forUser({}, {}).base, join(homedir(), '.local/state/node-runit'));
  assert.equal(DevTree.forUser({}, { XDG_STATE_HOME: 'relative' }).base, join(homedir(), '.local/state/node-runit'), 'XDG: relative paths are ignored');
});

test('enable() before ensure() makes the tree instead of failing with a raw ENOENT (issue 17)', async (t) => {
  const tree = new DevTree(join(makeTempDir(t), 'tree'));
  await tree.service('web').command(['sleep', '1']).build();
  await tree.enable('web');
  assert.equal(readlinkSync(join(tree.enabledDir, 'web')), '../services/web');
  // A file system failure is still a RunitError, with the errno error as its cause.
  const blocked = new DevTree(join(makeTempDir(t), 'file-in-the-way'));
  await blocked.service('web').command(['sleep', '1']).build();
  writeFileSync(blocked.enabledDir, '');
  await assert.rejects(blocked.enable('web'), (error) => error instanceof RunitError && error.code === 'ERR_SYS' && (error.cause as NodeJS.ErrnoException).code === 'EEXIST');
});
