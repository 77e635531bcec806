/**
 * A tree of services for the node-runit views' tests, run by our runsvdir --in-process, our
 * runsvdir with runsv processes, or real runit's runsvdir (with real runsv first in PATH).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ourBin, realBin } from './binaries.js';
import { makeTreeRoot, pathWith, startRunsvdirTree, type RunsvdirTree } from './runsvdir-tree.js';
import { makeServices, type ServiceSpec } from './service-dir.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export type TreeKind = 'ours in process' | 'ours with runsv' | 'real runit';

export const TREE_KINDS: readonly TreeKind[] = ['ours in process', 'ours with runsv', 'real runit'];

export interface ViewTree {
  /** The directory runsvdir scans. */
  dir: string;
  kind: TreeKind;
  runsvdir: RunsvdirTree;
}

/** Writes the services and starts the tree; everything is stopped and removed after the test. */
export function startViewTree(t: TestContext, kind: TreeKind, specs: Readonly<Record<string, ServiceSpec>>): ViewTree {
  const root = makeTreeRoot();
  const dir = join(root, 'service');
  mkdirSync(dir);
  makeServices(dir, specs);
  const env = { ...process.env, PATH: pathWith(kind === 'ours with runsv' ? join(ourBin('runsv'), '..') : '/usr/bin') };
  const runsvdir =
    kind === 'real runit'
      ? startRunsvdirTree(t, realBin('runsvdir'), [dir], env, root)
      : startRunsvdirTree(t, process.execPath, [ourBin('runsvdir'), ...(kind === 'ours in process' ? ['--in-process'] : []), dir], env, root);
  return { dir, kind, runsvdir };
}
