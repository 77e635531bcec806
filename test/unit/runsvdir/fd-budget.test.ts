// Issue 14, fault 5: one more in-process Supervisor only when it fits and leaves the reserve.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { FD_RESERVE, FDS_PER_SERVICE, hasRoomForSupervisor, openFilesLimit } from '../../../src/runsvdir/fd-budget.js';

test('the soft limit is read from /proc/self/limits', () => {
  const limit = openFilesLimit();
  assert.ok(limit === undefined || limit >= readdirSync('/proc/self/fd').length);
});

test('room is counted from the open descriptors, the starts under way and the reserve', () => {
  const open = readdirSync('/proc/self/fd').length;
  assert.equal(hasRoomForSupervisor(0, 0, undefined), true, 'no known limit: no budget');
  assert.equal(hasRoomForSupervisor(0, 0, 1_000_000), true);
  // Near the limit /proc/self/fd decides: one more fits exactly, or not.
  const exact = open + FDS_PER_SERVICE + FD_RESERVE + 1;
  assert.equal(hasRoomForSupervisor(100, 0, exact), true);
  assert.equal(hasRoomForSupervisor(100, 1, exact), false, 'a start under way holds its share');
  assert.equal(hasRoomForSupervisor(100, 0, open + FD_RESERVE), false);
});
