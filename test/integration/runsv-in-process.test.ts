// Many Supervisors in one process (DESIGN.md): control FIFOs are read through epoll, so 100
// supervisors need no extra threads, and each still answers real sv.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSupervisor, type RunningSupervisor } from '../../src/runsv/index.js';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { makeService } from '../helpers/service-dir.js';
import { readStatus, sendControl } from '../helpers/supervise-files.js';
import { normaliseSv, runCommand } from '../helpers/sv-run.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { defer } from '../helpers/cleanup.js';

const SERVICES = 100;

function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

test('100 in-process supervisors: no thread per FIFO, every one controllable', { skip: NEEDS_RUNIT, timeout: 120_000 }, async (t) => {
  const root = makeTempDir(t);
  const diagnostics: string[] = [];
  const supervisors: RunningSupervisor[] = [];
  defer(t, async () => {
    for (const supervisor of supervisors) supervisor.terminate();
    await Promise.race([Promise.all(supervisors.map((s) => s.exited)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    for (const supervisor of supervisors) supervisor.killAll();
  });
  const threadsBefore = threadCount();
  for (let i = 0; i < SERVICES; i++) {
    const dir = makeService(join(root, `s${i}`), { run: 'exec sleep 1000' });
    supervisors.push(await startSupervisor(dir, { writeDiagnostic: (line) => diagnostics.push(line) }));
  }
  await waitFor('every service running', () => supervisors.every((s) => readStatus(s.dir)?.state === 1), { timeout: 60_000 });
  assert.ok(threadCount() - threadsBefore <= 4, `threads grew from ${threadsBefore} to ${threadCount()}`);
  // A host keeps one of these per service: its methods must be shared, not closures of its own.
  const ownFunctions = Object.entries(supervisors[0]!).filter(([, value]) => typeof value === 'function');
  assert.deepEqual(ownFunctions.map(([key]) => key), []);

  const sample = join(root, 's42');
  const down = await runCommand(realBin('sv'), ['-v', 'down', sample]);
  assert.equal(normaliseSv(down.stdout), `ok: down: ${sample}: Ns, normally up\n`);
  sendControl(join(root, 's7'), 'p');
  await waitFor('s7 paused', () => readStatus(join(root, 's7'))?.isPaused);
  assert.equal(readStatus(join(root, 's8'))?.isPaused, false, 'control bytes reach only their own service');

  for (const supervisor of supervisors) supervisor.terminate();
  const codes = await Promise.all(supervisors.map((s) => s.exited));
  assert.deepEqual(new Set(codes), new Set([0]));
  assert.deepEqual(diagnostics, []);
});
