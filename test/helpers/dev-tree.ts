/** DevTrees for tests: under our runsvdir and runit's, with nothing they started left behind. */
import { join } from 'node:path';
import { DevTree } from '../../src/index.js';
import { NEEDS_RUNIT, realBin } from './binaries.js';
import { defer } from './cleanup.js';
import { isAlive, killPid } from './procs.js';
import { descendantsOf } from './scanner-proc.js';
import { makeTempDir } from './temp-dir.js';

export type ScannerCommand = { command: string; args: string[] } | undefined;

/** [name, DevTree's `runsvdir` option, skip reason]: every test runs under both scanners. */
export const TREE_VARIANTS: Array<[string, ScannerCommand, string | false]> = [
  ['our runsvdir --in-process', undefined, false],
  ["runit's runsvdir", { command: realBin('runsvdir'), args: [] }, NEEDS_RUNIT],
];

/**
 * A tree in a fresh temp dir. `seen` collects pids the test learns of; whatever the test did (or
 * DevTree failed to do), they and their descendants are gone after it.
 */
export function makeTree(t: { after(fn: () => void | Promise<void>): void }, runsvdir: ScannerCommand): { tree: DevTree; seen: Set<number> } {
  const tree = new DevTree(join(makeTempDir(t), 'tree'), runsvdir === undefined ? {} : { runsvdir });
  const seen = new Set<number>();
  defer(t, async () => {
    for (const pid of [...seen]) for (const child of descendantsOf(pid)) seen.add(child);
    await tree.stopRunsvdir({ timeout: 20_000 }).catch(() => undefined);
    for (const pid of seen) if (isAlive(pid)) killPid(pid);
  });
  return { tree, seen };
}
