// Services left running with no supervisor (issue 14, fault 2): found from their last records,
// stopped services first, then their log services, which first get the chance to end by themselves.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findOrphans, stopOrphans } from '../../../src/client/orphans.js';
import { emptyStatusRecord, packStatus, STATE_RUN } from '../../../src/protocol/status.js';
import { tai64nFromMillis } from '../../../src/protocol/tai64n.js';
import { isAlive, spawnTracked } from '../../helpers/procs.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** A supervise/status naming `pid` as running since now, and no supervisor holding supervise/ok. */
function recordRunning(dir: string, pid: number): void {
  mkdirSync(join(dir, 'supervise'), { recursive: true });
  writeFileSync(join(dir, 'supervise/status'), packStatus({ ...emptyStatusRecord(), pid, state: STATE_RUN, since: tai64nFromMillis(Date.now()) }));
}

test('found from the records, then stopped: TERM for the service, the log service after it', async (t) => {
  const service = makeTempDir(t);
  mkdirSync(join(service, 'log'));
  const main = spawnTracked(t, 'sleep', ['100'], { cwd: service });
  // Ignores TERM: only KILL at the grace period ends it.
  const log = spawnTracked(t, 'sh', ['-c', "trap '' TERM; while :; do sleep 0.05; done"], { cwd: join(service, 'log') });
  recordRunning(service, main.pid);
  recordRunning(join(service, 'log'), log.pid);
  const orphans = findOrphans([service, makeTempDir(t)]);
  assert.deepEqual(
    orphans.map(({ dir, isLog, pid }) => ({ dir, isLog, pid })),
    [
      { dir: service, isLog: false, pid: main.pid },
      { dir: join(service, 'log'), isLog: true, pid: log.pid },
    ],
  );
  const killed = await stopOrphans(orphans, 500);
  assert.deepEqual(killed.map((orphan) => orphan.pid), [log.pid], 'only the one that ignored TERM was KILLed');
  assert.equal(isAlive(main.pid) || isAlive(log.pid), false);
});

test('a record whose pid now belongs to a process started later names no orphan', async (t) => {
  const service = makeTempDir(t);
  const other = spawnTracked(t, 'sleep', ['100'], { cwd: service });
  mkdirSync(join(service, 'supervise'));
  writeFileSync(join(service, 'supervise/status'), packStatus({ ...emptyStatusRecord(), pid: other.pid, state: STATE_RUN, since: tai64nFromMillis(Date.now() - 3_600_000) }));
  assert.deepEqual(findOrphans([service]), []);
});
