// The scanner with a fake host on a fake clock (RSD-2, RSD-5): what counts as a service,
// identity by (dev,inode), removal, restart of an ended supervisor; and InProcessSupervisors'
// fault walls.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunningSupervisor } from '../../../src/runsv/index.js';
import { SupervisorStartError } from '../../../src/runsv/index.js';
import { InProcessSupervisors } from '../../../src/runsvdir/in-process-supervisors.js';
import { HALF_WRITTEN_MS } from '../../../src/runsvdir/scan-fs.js';
import { MAX_SERVICES, Scanner, type RunningService, type ServiceRunner } from '../../../src/runsvdir/scanner.js';
import { FakeClock, settle } from '../../helpers/fake-clock.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

class FakeHost implements ServiceRunner {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  readonly ends = new Map<string, () => void>();
  start(name: string, onEnded: () => void): RunningService {
    this.started.push(name);
    this.ends.set(name, onEnded);
    return { name, stop: () => this.stopped.push(name), kill: () => {}, ended: Promise.resolve() };
  }
}

/**
 * A started scanner over `dir` with a fake host, closed when the test ends. Its clock starts at
 * the real wall time, so the directory's real mtimes compare as they would; then only the test
 * moves it. No fs.watch: each pick-up below is the scanner's own timing.
 */
function startScanner(t: { after(fn: () => void): void }, dir: string) {
  const warnings: string[] = [];
  const host = new FakeHost();
  const clock = new FakeClock(Date.now());
  const scanner = new Scanner(dir, host, { warn: (text) => warnings.push(text), watch: false, clock });
  t.after(() => scanner.close());
  scanner.start();
  const startMillis = clock.monotonicMillis();
  /** Moves fake time in small steps until `condition` holds; fails after `limitMillis` of it. */
  const advanceUntil = async (what: string, condition: () => boolean, limitMillis = 15_000): Promise<void> => {
    const deadline = clock.monotonicMillis() + limitMillis;
    for (;;) {
      await settle();
      if (condition()) return;
      if (clock.monotonicMillis() >= deadline) assert.fail(`${what}: not within ${limitMillis} ms of scanner time`);
      clock.advance(50);
    }
  };
  const elapsed = (): number => clock.monotonicMillis() - startMillis;
  return { host, warnings, scanner, advanceUntil, elapsed };
}

function service(dir: string, name: string): void {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'run'), '#!/bin/sh\n');
}

test('dot names, files and dangling links are skipped; a symlink to a service shares it', async (t) => {
  const dir = makeTempDir(t);
  service(dir, 'a');
  service(dir, '.dot');
  writeFileSync(join(dir, 'file'), '');
  symlinkSync('a', join(dir, 'alias'));
  symlinkSync('nowhere', join(dir, 'dang'));
  const { host, warnings, advanceUntil } = startScanner(t, dir);
  await advanceUntil('the first scan', () => host.started.length > 0);
  assert.equal(host.started.length, 1);
  assert.ok(['a', 'alias'].includes(host.started[0]!));
  assert.ok(warnings.includes('unable to stat dang: file does not exist'));
});

test('a rename keeps the supervisor; removal stops it; an ended one is started again', async (t) => {
  const dir = makeTempDir(t);
  const outside = makeTempDir(t);
  service(dir, 'a');
  service(dir, 'b');
  const { host, scanner, advanceUntil } = startScanner(t, dir);
  await advanceUntil('two services', () => host.started.length === 2);
  renameSync(join(dir, 'a'), join(dir, 'a2'));
  renameSync(join(dir, 'b'), join(outside, 'b'));
  await advanceUntil('b to be stopped', () => host.stopped.includes('b'));
  assert.deepEqual(host.started.sort(), ['a', 'b'], 'the renamed dir kept its supervisor');
  assert.deepEqual(scanner.names(), ['a2']);
  host.ends.get('a')?.();
  await advanceUntil('a restarted under its new name', () => host.started.includes('a2'));
});

test('a dir without run is started once run appears, or once it has been still for 5 s', async (t) => {
  const dir = makeTempDir(t);
  mkdirSync(join(dir, 'late'));
  mkdirSync(join(dir, 'still'));
  mkdirSync(join(dir, 'old'));
  const longAgo = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'old'), longAgo, longAgo);
  const { host, advanceUntil, elapsed } = startScanner(t, dir);
  await advanceUntil('the old dir to be started as runit would', () => host.started.includes('old'));
  assert.deepEqual(host.started, ['old']);
  writeFileSync(join(dir, 'late', 'run'), '#!/bin/sh\n');
  await advanceUntil('late to be started', () => host.started.includes('late'));
  assert.ok(elapsed() < HALF_WRITTEN_MS, `late waited for its run, not for the 5 s (${elapsed()} ms)`);
  assert.equal(host.started.includes('still'), false);
  await advanceUntil('still to be started after 5 s', () => host.started.includes('still'));
  assert.ok(elapsed() >= HALF_WRITTEN_MS, `still was started after ${elapsed()} ms`);
});

test('at most 1000 services, with one warning per scan for the rest (RSD-2)', async (t) => {
  const dir = makeTempDir(t);
  for (let i = 0; i <= MAX_SERVICES; i++) service(dir, `s${String(i).padStart(4, '0')}`);
  const { host, warnings, advanceUntil } = startScanner(t, dir);
  await advanceUntil('the first scan', () => host.started.length > 0);
  assert.equal(host.started.length, MAX_SERVICES);
  assert.equal(warnings.filter((text) => text.endsWith(': too many services.')).length, 1);
  assert.match(warnings[0]!, /^unable to start runsv s\d{4}: too many services\.$/);
});

test('in process: a Supervisor that throws or fails to start never stops the others', async (t) => {
  const dir = makeTempDir(t);
  const lines: string[] = [];
  const warnings: string[] = [];
  const ended: string[] = [];
  const fake = async (path: string): Promise<RunningSupervisor> => {
    if (path.endsWith('locked')) throw new SupervisorStartError('unable to lock supervise/lock: temporary failure');
    if (path.endsWith('buggy')) throw new TypeError('boom');
    return {
      dir: path,
      exited: new Promise(() => {}),
      terminate: () => {
        throw new Error('terminate failed');
      },
      killAll: () => {},
      signalInlineLog: () => false,
    };
  };
  const host = new InProcessSupervisors(dir, fake, { writeDiagnostic: (line) => lines.push(line), warn: (w) => warnings.push(w) });
  host.start('locked', () => ended.push('locked'));
  host.start('buggy', () => ended.push('buggy'));
  const good = host.start('good', () => ended.push('good'));
  await waitFor('both failures to end', () => ended.length === 2);
  assert.deepEqual(lines, ['runsv locked: fatal: unable to lock supervise/lock: temporary failure\n']);
  assert.deepEqual(warnings, ['supervisor buggy failed: boom']);
  await waitFor('good to start', () => good.supervisor !== undefined);
  good.stop();
  assert.deepEqual(warnings.slice(1), ['supervisor good failed: terminate failed']);
  assert.deepEqual(host.running().map((s) => s.name), ['good']);
});

test('a supervisor that cannot start is retried every 5 s, as runit does, not every second (RSD-4, RSD-6)', async (t) => {
  // Issue 14, fault 7: its supervise/lock held by an old runsv, each start ends at once.
  const dir = makeTempDir(t);
  service(dir, 'locked');
  service(dir, 'fine');
  const { host, advanceUntil, elapsed } = startScanner(t, dir);
  const failing = host.start.bind(host);
  host.start = (name, onEnded) => {
    const running = failing(name, onEnded);
    if (name === 'locked') queueMicrotask(onEnded);
    return running;
  };
  await advanceUntil('the first start', () => host.started.includes('locked'));
  const from = elapsed();
  await advanceUntil('60 s of scanner time', () => elapsed() - from >= 60_000, 61_000);
  const attempts = host.started.filter((name) => name === 'locked').length - 1;
  // runit: one attempt per 5-second wake-up, and one more while its first 1 s checks run.
  assert.ok(attempts >= 11 && attempts <= 13, `${attempts} start attempts in 60 s`);
  assert.deepEqual(host.started.filter((name) => name === 'fine'), ['fine']);
});
