// Which process a status record names (issue 14, fault 2): a live pid is not enough, it must
// have started when the record says, so a reused pid is never taken for the service.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordedProcess, START_AFTER_STAMP_MS, START_BEFORE_STAMP_MS } from '../../../src/client/recorded-process.js';
import { emptyStatusRecord, STATE_DOWN, STATE_FINISH, STATE_RUN, type StatusRecord } from '../../../src/protocol/status.js';
import { tai64nFromMillis } from '../../../src/protocol/tai64n.js';
import { processStartMillis } from '../../../src/sys/proc.js';
import { spawnTracked } from '../../helpers/procs.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

function record(pid: number, state: number, stampMillis: number): StatusRecord {
  return { ...emptyStatusRecord(), pid, state, since: tai64nFromMillis(stampMillis) };
}

test('a running process is the one its record names only if it started at the stamp', async (t) => {
  const dir = makeTempDir(t);
  const { pid } = spawnTracked(t, 'sleep', ['100'], { cwd: dir });
  const started = await waitFor('the start time', () => processStartMillis(pid));
  assert.ok(Math.abs(started - Date.now()) < 5000, 'the start time is wall-clock time');
  // Stamped a moment after the spawn, as a supervisor does.
  assert.equal(recordedProcess(dir, record(pid, STATE_RUN, Date.now())), pid);
  assert.equal(recordedProcess(dir, record(pid, STATE_RUN, started + START_BEFORE_STAMP_MS - 1000)), pid, 'a late stamp from a busy loop');
  // A record stamped long before this process started: its pid was another's then (reused).
  assert.equal(recordedProcess(dir, record(pid, STATE_RUN, started - START_AFTER_STAMP_MS - 1000)), undefined);
  // A process running long before the service was stamped as started cannot be that service.
  assert.equal(recordedProcess(dir, record(pid, STATE_RUN, started + START_BEFORE_STAMP_MS + 1000)), undefined);
  assert.equal(recordedProcess(dir, record(pid, STATE_DOWN, Date.now())), undefined, 'a down record names no process');
  assert.equal(recordedProcess(dir, record(0x3fffffff, STATE_RUN, Date.now())), undefined, 'no such process');
});

test('a finish record keeps the run stamp, so its process must still work in the directory', async (t) => {
  const dir = makeTempDir(t);
  const other = makeTempDir(t);
  const { pid } = spawnTracked(t, 'sleep', ['100'], { cwd: dir });
  await waitFor('the start time', () => processStartMillis(pid));
  const runStamp = Date.now() - 60_000;
  assert.equal(recordedProcess(dir, record(pid, STATE_FINISH, runStamp)), pid);
  assert.equal(recordedProcess(other, record(pid, STATE_FINISH, runStamp)), undefined);
  assert.equal(recordedProcess(dir, record(pid, STATE_FINISH, Date.now() + 60_000)), undefined, 'started before the run it follows');
});
