// Issue 14, fault 7: what is written into supervise/control is queued within a bound. runit
// reads one byte per loop, so a writer blocks once the kernel's pipe is full (RSV-24); ours reads
// chunks, queues at most MAX_QUEUED_CONTROL (+ one read) per service, and then leaves the FIFO
// unread so that the pipe pushes back on writers the same way.
import assert from 'node:assert/strict';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openControlFifo } from '../../../src/runsv/control-fifo.js';
import { MAX_QUEUED_CONTROL, Supervisor } from '../../../src/runsv/supervisor.js';
import { mkfifo } from '../../../src/sys/index.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FakeEffects } from './fake-effects.js';

/** What one read of a FIFO may bring at most (the kernel's default pipe size). */
const ONE_READ = 64 * 1024;

test('the Supervisor asks for a pause past the bound, and for more once half is done', async () => {
  const clock = new FakeClock();
  const effects = new FakeEffects();
  const supervisor = new Supervisor(effects, clock, { isNormallyDown: true, hasLog: true, isLogNormallyDown: true });
  void supervisor.run();
  await settle();
  assert.equal(supervisor.enqueueControl(false, '?'.repeat(MAX_QUEUED_CONTROL - 1)), true);
  assert.equal(supervisor.enqueueControl(false, '?'), false, 'a full queue asks for no more');
  assert.equal(supervisor.enqueueControl(true, 'u'), true, "the log's queue is its own");
  await settle();
  assert.deepEqual(
    effects.events.filter((event) => event.startsWith('resume')),
    ['resume control main'],
    'once drained, reading resumes, once',
  );
  // The garbage was read and ignored, one byte a loop, as runit does; commands still work.
  assert.equal(supervisor.enqueueControl(false, 'u'), true);
  await settle();
  assert.deepEqual(
    effects.events.filter((event) => event.startsWith('start')),
    ['start log', 'start run'],
  );
});

test('10 MiB written into a control FIFO whose queue is full: the writer is pushed back, memory stays bounded', async (t) => {
  const path = join(makeTempDir(t), 'control');
  mkfifo(path, 0o600);
  let queued = 0;
  let delivered = 0;
  const fifo = openControlFifo(path, (bytes) => {
    queued += bytes.length;
    delivered += bytes.length;
    return queued < MAX_QUEUED_CONTROL;
  });
  t.after(() => fifo.close());
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  t.after(() => closeSync(writer));
  const chunk = Buffer.alloc(ONE_READ, '?');
  const total = 10 * 1024 * 1024;
  let written = 0;
  let refusedRounds = 0;
  // Write as sv does (non-blocking) until the pipe stays full while the loop has had its turn.
  while (written < total && refusedRounds < 20) {
    try {
      written += writeSync(writer, chunk);
      refusedRounds = 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      refusedRounds += 1;
    }
    await settle(2);
  }
  assert.ok(written < total, `all ${written} bytes were taken: nothing pushed back`);
  assert.ok(delivered <= MAX_QUEUED_CONTROL + ONE_READ, `${delivered} bytes queued`);
  // The pipe and the socket's buffer hold the rest: bounded, a few hundred KiB at most.
  assert.ok(written <= 4 * ONE_READ + delivered, `${written} bytes accepted`);
  // Drained: reading resumes and the waiting bytes come through.
  const before = delivered;
  queued = 0;
  fifo.resume();
  for (let round = 0; round < 100 && delivered === before; round++) await settle(2);
  assert.ok(delivered > before, 'nothing read after resume');
});
