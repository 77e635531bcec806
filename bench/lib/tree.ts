/**
 * A supervision tree over one scan directory, as a user runs it: `runsvdir DIR` (runit's
 * topology, a runsv process per service), `runsvdir --in-process DIR` (ours only), or, when a
 * side has no runsvdir yet, a runsv per service started by the bench itself.
 */
import type { SpawnOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, type Tracked } from '../../test/helpers/procs.js';
import { readStatus } from '../../test/helpers/supervise-files.js';
import type { Impl } from './impl.js';
import { treeOf } from './procfs.js';
import { reapPids } from './reap.js';
import type { Scope } from './scope.js';

export type TreeMode = 'default' | 'in-process' | 'runsv-loop';

export interface Tree {
  readonly mode: TreeMode;
  /** The processes the bench started: runsvdir, or each runsv. */
  readonly rootPids: number[];
  /** The processes that supervise: runsvdir and its runsv children, never the services. */
  supervisingPids(): number[];
  /** Why the tree is broken (a process the bench started has exited, with its stderr), or undefined. */
  whyDead(): string | undefined;
  /** Every process of the tree, services included. */
  allPids(): number[];
  stop(): Promise<void>;
}

/** For the stress harness: flags for node itself (ours only: --trace-gc) and where stdout goes. */
export interface TreeExtras {
  nodeFlags?: string[];
  stdoutFd?: number;
}

/** The programs a tree mode needs. */
export function programsFor(mode: TreeMode): string[] {
  return mode === 'runsv-loop' ? ['runsv'] : ['runsvdir', 'runsv'];
}

/** The pids the services' status files name: the boundary below which nothing is a supervisor. */
function servicePids(scanDir: string): Set<number> {
  const pids = new Set<number>();
  for (const name of readdirSync(scanDir)) {
    const status = readStatus(join(scanDir, name));
    if (status !== undefined && status.pid !== 0) pids.add(status.pid);
  }
  return pids;
}

/**
 * Starts the tree. Its stop() is also deferred on `scope`; stopping is runit's way: HUP to
 * runsvdir (it TERMs every runsv, each stops its service), TERM to each bench-started runsv.
 */
export function startTree(scope: Scope, impl: Impl, scanDir: string, mode: TreeMode, extra: TreeExtras = {}): Tree {
  const roots: Tracked[] = [];
  // Own process groups: a Ctrl-C at the terminal reaches the bench, which stops the tree in order,
  // not runsvdir itself (it would die and leave its runsv children running).
  const spawnOptions: SpawnOptions = { env: impl.env, stdio: ['ignore', extra.stdoutFd ?? 'ignore', 'pipe'], detached: true };
  if (mode === 'runsv-loop') {
    for (const name of readdirSync(scanDir)) roots.push(spawnTracked(scope, impl.bin('runsv'), [name], { ...spawnOptions, cwd: scanDir }));
  } else {
    const args = mode === 'in-process' ? ['--in-process', scanDir] : [scanDir];
    // Node refuses V8 flags such as --trace-gc in NODE_OPTIONS: they go before the bin instead.
    if (extra.nodeFlags === undefined) roots.push(spawnTracked(scope, impl.bin('runsvdir'), args, spawnOptions));
    else roots.push(spawnTracked(scope, process.execPath, [...extra.nodeFlags, impl.bin('runsvdir'), ...args], spawnOptions));
  }
  const allPids = (): number[] => roots.flatMap((root) => treeOf(root.pid));
  let stopped: Promise<void> | undefined;
  const tree: Tree = {
    mode,
    rootPids: roots.map((root) => root.pid),
    supervisingPids() {
      const services = servicePids(scanDir);
      return roots.flatMap((root) => treeOf(root.pid, services));
    },
    allPids,
    whyDead() {
      const dead = roots.find((root) => root.child.exitCode !== null || root.child.signalCode !== null);
      if (dead === undefined || stopped !== undefined) return undefined;
      return `${impl.bin(mode === 'runsv-loop' ? 'runsv' : 'runsvdir')} exited ${dead.child.exitCode ?? dead.child.signalCode}: ${dead.stderr().slice(-2000)}`;
    },
    stop() {
      stopped ??= (async () => {
        const pids = allPids();
        for (const root of roots) root.child.kill(mode === 'runsv-loop' ? 'SIGTERM' : 'SIGHUP');
        await reapPids(pids, 30_000);
      })();
      return stopped;
    },
  };
  scope.defer(() => tree.stop());
  return tree;
}
