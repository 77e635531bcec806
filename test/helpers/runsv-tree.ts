/**
 * Service trees supervised by a runsv (real or ours), for the sv compat and client tests. Every
 * runsv and service started here is stopped at cleanup: `x` then `k` through the control FIFO,
 * a wait for runsv to exit, then KILL of any pid this tree recorded that is still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ourBin } from './binaries.js';
import { isAlive, killPid } from './procs.js';
import { makeServices, type ServiceSpec } from './service-dir.js';
import { poke, waitState } from './supervise-files.js';
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

export interface RunsvTree {
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

/** A fresh tree under a temp dir, with one supervisor per supervised service. */
export async function startRunsvTree(
  supervisor: Supervisor,
  services: Readonly<Record<string, ServiceSpec>>,
): Promise<RunsvTree> {
  const root = mkdtempSync(join(tmpdir(), 'sv-compat-'));
  makeServices(root, services);
  const runsvs = new Map<string, ChildProcess>();
  const tree: RunsvTree = { root, runsvs, cleanup: () => stopTree(tree) };
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

async function stopTree(tree: RunsvTree): Promise<void> {
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
