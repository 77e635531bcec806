// s6's stop files side by side with real s6 (Debian's s6-supervise 2.11): the same service
// directory under s6-supervise (driven by s6-svc) and under our supervisor in both topologies
// (driven by real runit's sv). timeout-kill, down-signal and timeout-finish must act alike.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { NEEDS_RUNIT, realBin } from '../helpers/binaries.js';
import { TOPOLOGIES, startExtendedTree, type ExtendedSpec } from '../helpers/extension-tree.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { svRun, waitRunning } from '../helpers/sv-run.js';
import { waitFor } from '../helpers/wait-for.js';
import { NEEDS_S6, underS6, type Supervised } from '../helpers/s6.js';
import { defer } from '../helpers/cleanup.js';
import { Client } from '../../src/index.js';

type TestContext = { after(fn: () => void | Promise<void>): void; diagnostic(text: string): void };

/** One service under our runsvdir in `topology`, driven by real sv. */
async function underOurs(t: TestContext, topology: (typeof TOPOLOGIES)[number], spec: ExtendedSpec): Promise<Supervised> {
  const { dir } = startExtendedTree(t, topology, { svc: spec });
  const service = join(dir, 'svc');
  await waitRunning(service);
  return { dir: service, down: () => void svRun(['d', service], realBin('sv')) };
}

const SUPERVISORS = [
  { label: 'real s6-supervise', start: underS6 },
  ...TOPOLOGIES.map((topology) => ({
    label: `ours, ${topology.label}`,
    start: (t: TestContext, spec: ExtendedSpec) => underOurs(t, topology, spec),
  })),
];

/** The pid a script wrote to `file` (the script's `echo $$` before it execs). */
function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim().split('\n').at(-1));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function millisUntilGone(pid: number): Promise<number> {
  const started = Date.now();
  await waitFor(`pid ${pid} to die`, () => !isAlive(pid), { timeout: 15_000, interval: 5 });
  return Date.now() - started;
}

describe('s6 stop files side by side with s6-supervise', { skip: NEEDS_S6, timeout: 120_000 }, () => {
  for (const { label, start } of SUPERVISORS) {
    test(`timeout-kill: a service that ignores TERM is killed 800 ms after d (${label})`, async (t) => {
      const scratch = mkdtempSync(join(tmpdir(), 'ext-kill-'));
      defer(t, () => rmSync(scratch, { recursive: true, force: true }));
      const pidFile = join(scratch, 'pid');
      const service = await start(t, {
        run: `echo $$ >> ${pidFile}\ntrap '' TERM\nexec sleep 1000`,
        files: { 'timeout-kill': '800\n' },
      });
      const pid = await waitFor('the pid', () => pidIn(pidFile));
      defer(t, () => killPid(pid));
      service.down();
      const millis = await millisUntilGone(pid);
      t.diagnostic(`${label}: gone ${millis} ms after d`);
      assert.ok(millis >= 750 && millis < 4000, `${label}: killed after ${millis} ms`);
    });

    test(`down-signal: d sends SIGQUIT instead of TERM (${label})`, async (t) => {
      const scratch = mkdtempSync(join(tmpdir(), 'ext-sig-'));
      defer(t, () => rmSync(scratch, { recursive: true, force: true }));
      const got = join(scratch, 'got');
      const service = await start(t, {
        run: `trap 'echo QUIT >> ${got}; exit 0' QUIT\ntrap 'echo TERM >> ${got}; exit 0' TERM\nwhile :; do sleep 0.05; done`,
        files: { 'down-signal': 'SIGQUIT\n' },
      });
      service.down();
      const text = await waitFor('the service to record a signal', () => {
        try {
          return readFileSync(got, 'utf8') || undefined;
        } catch {
          return undefined;
        }
      });
      assert.equal(text, 'QUIT\n', label);
    });

    test(`timeout-finish: a hung ./finish is killed after 600 ms (${label})`, async (t) => {
      const scratch = mkdtempSync(join(tmpdir(), 'ext-finish-'));
      defer(t, () => rmSync(scratch, { recursive: true, force: true }));
      const pidFile = join(scratch, 'finish-pid');
      const service = await start(t, {
        run: 'exec sleep 1000',
        finish: `echo $$ >> ${pidFile}\nexec sleep 1000`,
        files: { 'timeout-finish': '600\n' },
      });
      const downAt = Date.now();
      service.down();
      const pid = await waitFor('./finish to start', () => pidIn(pidFile));
      defer(t, () => killPid(pid));
      await millisUntilGone(pid);
      // Measured from the d (./finish starts after it): never before 600 ms, and not much later.
      const millis = Date.now() - downAt;
      t.diagnostic(`${label}: finish gone ${millis} ms after d`);
      assert.ok(millis >= 600 && millis < 4000, `${label}: finish killed ${millis} ms after d`);
    });
  }
});

for (const topology of TOPOLOGIES) {
  test(`timeout-kill also ends a tree stop: runsvdir's HUP does not hang on a service ignoring TERM (${topology.label})`, { skip: NEEDS_RUNIT, timeout: 60_000 }, async (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'ext-tree-'));
    defer(t, () => rmSync(scratch, { recursive: true, force: true }));
    const pidFile = join(scratch, 'pid');
    const { dir, tree } = startExtendedTree(t, topology, {
      svc: { run: `echo $$ >> ${pidFile}\ntrap '' TERM\nexec sleep 1000`, files: { 'timeout-kill': '500\n' } },
    });
    await waitRunning(join(dir, 'svc'));
    const pid = await waitFor('the pid', () => pidIn(pidFile));
    killPid(tree.pid, 'SIGHUP');
    // runsvdir TERMs each runsv (ours --in-process stops them itself); each runsv does `x`.
    const millis = await millisUntilGone(pid);
    t.diagnostic(`service killed ${millis} ms into the tree stop`);
    assert.ok(millis >= 400 && millis < 5000, `tree stop took ${millis} ms`);
    await waitFor('runsvdir to exit', () => tree.child.exitCode !== null || tree.child.signalCode !== null, { timeout: 10_000 });
  });
}

describe('notification-fd read alike: s6-supervise and ours', { skip: NEEDS_S6, timeout: 60_000 }, () => {
  const flavours = [
    { label: 'real s6-supervise', flavour: 's6' as const, start: underS6 },
    { label: 'ours, --in-process', flavour: 'runit' as const, start: (t: TestContext, spec: ExtendedSpec) => underOurs(t, TOPOLOGIES[1], spec) },
  ];
  for (const { label, flavour, start } of flavours) {
    test(`a service ready 1.5 s after start: the Client sees ready and its ready time (${label})`, async (t) => {
      const service = await start(t, { run: 'sleep 1.5\necho >&3\nexec sleep 1000', files: { 'notification-fd': '3\n' } });
      const client = new Client(service.dir, { flavour });
      const status = await client.waitReady(10_000);
      const lag = status.readySince!.getTime() - status.since.getTime();
      t.diagnostic(`${label}: ready ${lag} ms after start`);
      assert.ok(lag >= 1400 && lag < 3000, `${label}: ready ${lag} ms after start`);
    });
  }
});
