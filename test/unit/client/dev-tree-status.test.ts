// DevTree's view of a service: "not supervised" only for what means it; other faults surface.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isServiceSupervised, readServiceStatus } from '../../../src/client/dev-tree-status.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('no supervise/ directory, or an empty one: not supervised', async (t) => {
  const dir = join(makeTempDir(t), 'web');
  mkdirSync(dir);
  assert.equal(isServiceSupervised(dir), false);
  assert.deepEqual(await readServiceStatus('web', dir, true), {
    name: 'web',
    dir,
    isEnabled: true,
    isSupervised: false,
    status: undefined,
  });
  mkdirSync(join(dir, 'supervise'));
  assert.equal(isServiceSupervised(dir), false);
  assert.equal((await readServiceStatus('web', dir, false)).isSupervised, false);
});

test('a supervise that is not a directory is reported, not taken for "not supervised"', async (t) => {
  const dir = join(makeTempDir(t), 'web');
  mkdirSync(dir);
  writeFileSync(join(dir, 'supervise'), '');
  assert.throws(() => isServiceSupervised(dir), { name: 'RunitError', code: 'ERR_SYS' });
  await assert.rejects(readServiceStatus('web', dir, true), { code: 'ERR_SYS' });
});
