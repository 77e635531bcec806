/** A tree of N sleeping services, started and waited for: shared by memory and start-up. */
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Impl } from './impl.js';
import type { Scope } from './scope.js';
import { waitAllRunning } from './status.js';
import { makeService } from '../../test/helpers/service-dir.js';
import { makeSleeper, SLEEPER } from './supervise.js';
import { programsFor, startTree, type Tree, type TreeMode } from './tree.js';

/** One configuration to measure: a side and how its tree is run. */
export interface Variant {
  label: string;
  impl: Impl;
  mode: TreeMode;
}

export interface SleeperTree {
  tree: Tree;
  serviceDirs: string[];
  /** From spawning the tree to the poll that saw the last service running. */
  startMs: number;
}

/** A log service as most trees have one: svlogd stamping each line (-tt) into ./main. */
export const LOGGED_RUN = 'exec svlogd -tt ./main';

export function makeSleepers(scanDir: string, count: number, isLogged = false): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(scanDir, `s${String(i).padStart(4, '0')}`);
    if (isLogged) {
      makeService(dir, { run: SLEEPER, log: { run: LOGGED_RUN } });
      mkdirSync(join(dir, 'log/main'));
    } else {
      makeSleeper(dir);
    }
    dirs.push(dir);
  }
  return dirs;
}

/**
 * The variants to compare: runit's runsvdir against ours in both modes; while a side has no
 * runsvdir, a runsv per service started by the bench stands in on both sides.
 */
export function treeVariants(ours: Impl, runit: Impl): { variants: Variant[]; note?: string } {
  const why = ours.whyNot(programsFor('default')) ?? runit.whyNot(programsFor('default'));
  if (why !== undefined) {
    return {
      variants: [
        { label: 'runsv per service (bench-started)', impl: ours, mode: 'runsv-loop' },
        { label: 'runsv per service (bench-started)', impl: runit, mode: 'runsv-loop' },
      ],
      note: `runsvdir not used: ${why}`,
    };
  }
  return {
    variants: [
      { label: 'default topology', impl: ours, mode: 'default' },
      { label: '--in-process', impl: ours, mode: 'in-process' },
      { label: 'runsvdir', impl: runit, mode: 'default' },
    ],
  };
}

/** Starts the tree over `count` fresh sleepers and waits until all run (bounded by the count). */
export async function startSleeperTree(scope: Scope, variant: Variant, count: number, isLogged = false): Promise<SleeperTree> {
  const scanDir = scope.tempDir(`tree-${variant.impl.name}`);
  const serviceDirs = makeSleepers(scanDir, count, isLogged);
  // A tree made within the current second makes runsvdir wait a second before it trusts the
  // directory's mtime (both sides do); a real tree exists long before boot.
  const past = new Date(Date.now() - 60_000);
  utimesSync(scanDir, past, past);
  const start = performance.now();
  const tree = startTree(scope, variant.impl, scanDir, variant.mode);
  // A Node process per service starts at ~10 per second on two busy cores: allow for it.
  const watched = isLogged ? [...serviceDirs, ...serviceDirs.map((dir) => join(dir, 'log'))] : serviceDirs;
  const runningAt = await waitAllRunning(watched, `${variant.impl.name} ${variant.label}: ${count} services`, 60_000 + 300 * count, () => tree.whyDead());
  return { tree, serviceDirs, startMs: runningAt - start };
}
