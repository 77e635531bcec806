// The engine in-process with a fake clock, failing writes and input from memory: pauses and
// retries (SVL-16, style item 9), disk-full deletion, ALRM/TERM/t handling (SVL-12, SVL-20).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Svlogd, type SvlogdOptions } from '../../../src/svlogd/engine.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeClock, MemoryInput, failingWrites } from './fakes.js';

type TestContext = Parameters<typeof makeTempDir>[0];

function setUp(t: TestContext, options: Partial<SvlogdOptions> = {}, config?: string) {
  const cwd = makeTempDir(t, 'svlogd-engine-');
  mkdirSync(join(cwd, 'd'));
  if (config !== undefined) writeFileSync(join(cwd, 'd/config'), config);
  const clock = new FakeClock();
  const input = new MemoryInput();
  let stderr = '';
  const engine = new Svlogd(input, {
    dirs: ['d'],
    cwd,
    clock,
    writeStderr: (data) => (stderr += Buffer.from(data).toString('latin1')),
    ...options,
  });
  const exited = engine.run();
  const dir = join(cwd, 'd');
  return {
    dir,
    clock,
    input,
    engine,
    exited,
    stderr: () => stderr,
    current: () => readFileSync(join(dir, 'current'), 'latin1'),
    rotated: () => readdirSync(dir).filter((name) => name.startsWith('@')).sort(),
  };
}

test('a failed write pauses 3 s with runit words, then retries; no line is lost', async (t) => {
  const run = setUp(t, { fs: failingWrites(['EIO', 'EIO']) });
  run.input.push('kept\n');
  await waitFor('the first pause', () => run.stderr().includes('input/output error'));
  assert.equal(run.stderr(), 'svlogd: pausing: unable to write to current: d: input/output error\n');
  assert.equal(run.current(), '');
  run.clock.advance(3000);
  await waitFor('the second pause', () => run.stderr().split('\n').length === 3);
  run.clock.advance(2999);
  assert.equal(run.current(), '');
  run.clock.advance(1);
  await waitFor('the retried write', () => run.current() === 'kept\n');
  run.input.push(null);
  assert.equal(await run.exited, 0);
});

test('disk full with N < n deletes the oldest file and writes on (SVL-16)', async (t) => {
  const run = setUp(t, { fs: failingWrites(['ENOSPC']) }, 'n5\nN1\n');
  for (const name of ['@400000006b00000000000000.s', '@400000006b00000000000001.s']) {
    writeFileSync(join(run.dir, name), 'old\n');
  }
  const oldest = run.rotated()[0]!;
  run.input.push('line\n');
  await waitFor('the write', () => run.current() === 'line\n');
  assert.equal(run.stderr(), `svlogd: warning: out of disk space, delete: d/${oldest}\n`);
  assert.equal(run.rotated().length, 1);
  run.input.push(null);
  assert.equal(await run.exited, 0);
});

test('disk full with the default N = n pauses instead of deleting', async (t) => {
  const run = setUp(t, { fs: failingWrites(['ENOSPC']) });
  run.input.push('line\n');
  await waitFor('the pause', () => run.stderr() !== '');
  assert.equal(run.stderr(), 'svlogd: pausing: unable to write to current: d: out of disk space\n');
  run.clock.advance(3000);
  await waitFor('the write', () => run.current() === 'line\n');
  run.input.push(null);
  assert.equal(await run.exited, 0);
});

test('ALRM rotates only a non-empty current (SVL-14)', async (t) => {
  const run = setUp(t, { isVerbose: true });
  run.engine.rotateAll();
  await waitFor('the notice', () => run.stderr().includes('sigalarm received.'));
  run.input.push('one\n');
  await waitFor('the line', () => run.current() === 'one\n');
  assert.deepEqual(run.rotated(), []);
  run.engine.rotateAll();
  await waitFor('the rotation', () => run.rotated().length === 1);
  assert.match(run.stderr(), /rename: d\/current @4000[0-9a-f]{20}\.s 4\n/);
  run.engine.terminate();
  assert.equal(await run.exited, 0);
});

test('t rotates on the clock, and only when current has data (SVL-4 t)', async (t) => {
  const run = setUp(t, {}, 't5\n');
  await waitFor('the engine waiting', () => run.input.asked.length > 0);
  run.clock.advance(5001);
  await waitFor('the timer re-armed', () => run.clock.pendingTimers === 1 && run.input.asked.length > 1);
  assert.deepEqual(run.rotated(), []);
  run.input.push('timed\n');
  await waitFor('the line', () => run.current() === 'timed\n');
  run.clock.advance(5001);
  await waitFor('the timed rotation', () => run.rotated().length === 1);
  assert.equal(run.current(), '');
  run.input.push(null);
  assert.equal(await run.exited, 0);
});

test('no timer without t; a huge t waits at most 2744 s at a time (SVL-12)', async (t) => {
  const plain = setUp(t);
  await waitFor('the engine waiting', () => plain.input.asked.length > 0);
  assert.equal(plain.clock.nextTimerIn, undefined);
  plain.input.push(null);
  assert.equal(await plain.exited, 0);
  const huge = setUp(t, {}, 't100000h\n');
  await waitFor('the engine waiting', () => huge.input.asked.length > 0);
  assert.equal(huge.clock.nextTimerIn, 2744_001);
  huge.input.push(null);
  assert.equal(await huge.exited, 0);
});

test('TERM mid-line reads one byte at a time and keeps the finished line', async (t) => {
  const run = setUp(t);
  run.input.push('first\npart');
  await waitFor('the first line', () => run.current() === 'first\n');
  run.engine.terminate();
  await waitFor('a one-byte read', () => run.input.asked.at(-1) === 1);
  run.input.push('ial\nnot read\n');
  assert.equal(await run.exited, 0);
  assert.equal(run.current(), 'first\npartial\n');
});

test('two engines share a process without sharing state', async (t) => {
  const first = setUp(t, { stampMode: 0 });
  const second = setUp(t, {}, 'pTWO:\n');
  first.input.push('a\n');
  second.input.push('b\n');
  first.input.push(null);
  second.input.push(null);
  assert.deepEqual(await Promise.all([first.exited, second.exited]), [0, 0]);
  assert.deepEqual([first.current(), second.current()], ['a\n', 'TWO:b\n']);
});
