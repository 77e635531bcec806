/**
 * Service trees supervised by a runsv (real or ours), for the sv compat and client tests. Every
 * runsv and service started here is stopped at cleanup: `x` then `k` through the control FIFO,
 * a wait for runsv to exit, then KILL of any pid this tree recorded that is still alive.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ourBin } from './binaries.js';
import { isAlive, killPid } from './procs.js';
import { isSupervised, makeServices, sendControl, type ServiceSpec } from './service-dir.js';
import { waitFor } from './wait-for.js';

export interface Supervisor {
  name: string;
  /** The runsv executable. */
  runsv: string;
}

/** The supervisors every compat case runs under: our sv and runit's must agree under both. */
export const SUPERVISORS: readonly Supervisor[] = [
  { name: 'real runsv', runsv: '/usr/bin/runsv' },
  { name: 'our runsv', runsv: ourBin('runsv') },
];

/** A service of a tree: what is written, plus how the tree starts it. */
export interface TreeServiceSpec extends ServiceSpec {
  /** Do not start a runsv for it. */
  unsupervised?: boolean;
  /** The state to wait for after start (default: run unless `down`). */
  ready?: 'run' | 'down' | 'finish' | 'any';
}

export interface Tree {
  root: string;
  runsvs: Map<string, ChildProcess>;
  cleanup(): Promise<void>;
}

function readPid(path: string): number {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10) || 0;
  } catch {
    return 0;
  }
}

export function readStatusBytes(dir: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, 'supervise', 'status'));
  } catch {
    return undefined;
  }
}

/** Write-opens a control FIFO and writes `bytes`, ignoring a missing reader. */
export function poke(dir: string, bytes: string): boolean {
  try {
    sendControl(dir, bytes);
    return true;
  } catch {
    return false;
  }
}

/** Waits until runsv for `dir` writes a record in the wanted state. */
export async function waitState(dir: string, state: 'run' | 'down' | 'finish' | 'any', what = dir): Promise<void> {
  const code = { down: 0, run: 1, finish: 2, any: -1 }[state];
  await waitFor(`${what} to be ${state}`, () => {
    // runsv writes status before it holds supervise/ok (RSV-3 steps 9, 11): ready means both.
    if (!isSupervised(dir)) return false;
    const bytes = readStatusBytes(dir);
    if (bytes === undefined || bytes.length !== 20) return false;
    const pid = bytes.readUInt32LE(12);
    if (code === -1) return true;
    return bytes[19] === code && (code === 0 ? pid === 0 : pid !== 0);
  }, { timeout: 15_000, interval: 20 });
}

/** A fresh tree under a temp dir, with one supervisor per supervised service. */
export async function startTree(
  supervisor: Supervisor,
  services: Readonly<Record<string, TreeServiceSpec>>,
): Promise<Tree> {
  const root = mkdtempSync(join(tmpdir(), 'sv-compat-'));
  makeServices(root, services);
  const runsvs = new Map<string, ChildProcess>();
  const tree: Tree = { root, runsvs, cleanup: () => stopTree(tree) };
  try {
    for (const [name, spec] of Object.entries(services)) {
      if (spec.unsupervised === true) continue;
      const child = spawn(supervisor.runsv, [join(root, name)], { stdio: ['ignore', 'ignore', 'ignore'] });
      runsvs.set(name, child);
    }
    await Promise.all(
      Object.entries(services)
        .filter(([, spec]) => spec.unsupervised !== true)
        .map(async ([name, spec]) => {
          const dir = join(root, name);
          await waitState(dir, spec.ready ?? (spec.down === true ? 'down' : 'run'), name);
          if (typeof spec.log === 'object') {
            await waitState(join(dir, 'log'), spec.log.down === true ? 'down' : 'run', `${name}/log`);
          }
        }),
    );
  } catch (error) {
    await tree.cleanup();
    throw error;
  }
  return tree;
}

async function stopTree(tree: Tree): Promise<void> {
  const pidFiles = (dir: string): string[] => [join(dir, 'supervise', 'pid'), join(dir, 'log', 'supervise', 'pid')];
  const pids = new Set<number>();
  const remember = (): void => {
    for (const name of tree.runsvs.keys()) for (const file of pidFiles(join(tree.root, name))) pids.add(readPid(file));
  };
  remember();
  await Promise.all(
    [...tree.runsvs].map(async ([name, child]) => {
      const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
      // `x` stops the service and runsv; `k` in case it ignores TERM. Repeated while the FIFO
      // is not there yet (a runsv that is still starting).
      // The log gets `d` too: a logger that never reads its input would keep runsv waiting in
      // the exit sequence (RSV-29) until the timeout.
      const stop = (): void => {
        poke(join(tree.root, name), 'xk');
        poke(join(tree.root, name, 'log'), 'dk');
      };
      await waitFor(`runsv ${name} to exit`, () => gone() || void stop(), {
        timeout: 10_000,
        interval: 100,
      }).catch(() => child.kill('SIGKILL'));
      if (!gone()) await once(child, 'exit');
    }),
  );
  remember(); // a service started after the first look
  for (const pid of pids) if (pid > 0 && isAlive(pid)) killPid(pid);
  rmSync(tree.root, { recursive: true, force: true });
}

/** A symlink named `name` in `dir` pointing at `target` (LSB mode, SV-16). */
export function linkAs(dir: string, name: string, target: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  symlinkSync(target, path);
  return path;
}

/**
 * Plays a live runsv for `dir` without one: makes `supervise/ok` and `supervise/control` FIFOs,
 * holds them open for reading (so sv sees a supervisor) and writes `record` as the status file.
 * Returns the descriptors; close them to "stop" it. Deterministic where a real runsv's state
 * flips (e.g. "down, want up" while it retries a failing ./run).
 */
export function fakeSupervise(dir: string, record: Uint8Array): number[] {
  mkdirSync(join(dir, 'supervise'), { recursive: true });
  const fds: number[] = [];
  for (const fifo of ['ok', 'control']) {
    const path = join(dir, 'supervise', fifo);
    execFileSync('mkfifo', [path]);
    fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  }
  writeFileSync(join(dir, 'supervise', 'status'), record);
  return fds;
}
