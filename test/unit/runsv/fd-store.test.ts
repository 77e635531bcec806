// The fd store of `fdstore-max` (issue 19): systemd's FDSTORE=1 / FDSTOREREMOVE=1 semantics.
import assert from 'node:assert/strict';
import { openSync } from 'node:fs';
import { test } from 'node:test';
import { FdStore } from '../../../src/runsv/fd-store.js';
import { pipe2 } from '../../../src/sys/index.js';

const isOpen = (fd: number): boolean => {
  try {
    return openSync(`/proc/self/fd/${fd}`, 'r') >= 0;
  } catch {
    return false;
  }
};

test('stores up to fdstore-max, refuses the rest and what comes without FDSTORE=1', () => {
  const warnings: string[] = [];
  let changes = 0;
  const store = new FdStore(2, (w) => warnings.push(w), () => changes++);
  const [a, b] = pipe2(0);
  const file = openSync('/proc/self/status', 'r');
  store.received({ isFdStore: true, fdName: 'pipe' }, [a, b]);
  store.received({ isFdStore: true }, [file]);
  assert.deepEqual(store.passed(), { fds: [a, b], names: ['pipe', 'pipe'] });
  assert.deepEqual(store.held(), [{ name: 'pipe', type: 'pipe' }, { name: 'pipe', type: 'pipe' }]);
  assert.equal(isOpen(file), false, 'refused beyond the limit: closed');
  const [c, d] = pipe2(0);
  store.received({}, [c]);
  store.received({ isFdStore: true, fdName: 'a:b' }, [d]);
  assert.equal(isOpen(c) || isOpen(d), false);
  assert.deepEqual(warnings, [
    'fdstore: fdstore-max 2 reached, 1 descriptor refused',
    'fdstore: sent without FDSTORE=1, 1 descriptor refused',
    'fdstore: FDNAME= not a valid name, 1 descriptor refused',
  ]);
  assert.equal(changes, 1);

  store.received({ isFdStoreRemove: true, fdName: 'pipe' }, []);
  assert.deepEqual(store.passed(), { fds: [], names: [] });
  assert.equal(isOpen(a) || isOpen(b), false);
  const file2 = openSync('/proc/self/status', 'r');
  store.received({ isFdStore: true }, [file2]);
  assert.deepEqual(store.held(), [{ name: 'stored', type: 'file' }]);
  store.received({ isFdStoreRemove: true }, []);
  assert.equal(warnings.at(-1), 'fdstore: FDSTOREREMOVE=1 without FDNAME=, ignored');
  store.close();
  assert.equal(isOpen(file2), false);
  assert.equal(store.size, 0);
});
