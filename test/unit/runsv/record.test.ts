// runsv's record as the status files show it (RSV-9..RSV-12).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unpackStatus } from '../../../src/protocol/status.js';
import { newRecord, statusFiles } from '../../../src/runsv/record.js';

test('want exit is written as d, and stat says want exit (RSV-9, RSV-10)', () => {
  const record = newRecord(false, false, { seconds: 1795436320, nanoseconds: 500 });
  record.pid = 4242;
  record.state = 1;
  record.want = 'exit';
  const files = statusFiles(record, true);
  assert.equal(files.status[17], 0x64);
  assert.equal(unpackStatus(files.status)?.want, 'down');
  assert.equal(files.stat, 'run, want exit\n');
  assert.equal(files.pid, '4242\n');
  assert.equal(statusFiles(record, false).pid, undefined, 'the pid file only when due (RSV-12)');
});

test('a start that failed to exec shows no pid (RSV-17)', () => {
  const record = newRecord(false, false, { seconds: 0, nanoseconds: 500 });
  record.pid = -1;
  assert.equal(unpackStatus(statusFiles(record, true).status)?.pid, 0);
  assert.equal(statusFiles(record, true).pid, '');
});
