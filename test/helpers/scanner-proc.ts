/**
 * A directory scanner (runsvdir, svscan, s6-svscan) started for one test, stopped in order at
 * cleanup, and checked to leave no process behind: every descendant seen while it ran must be
 * gone before the test's temp dir is removed.
 */
import type { SpawnOptions } from 'node:child_process';
import { defer } from './cleanup.js';
import { descendants, isAlive, killPid, spawnTracked, type Tracked } from './procs.js';
import { waitFor } from './wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

/** The pids of every live descendant of `pid` (shared with the runsvdir tests). */
export const descendantsOf = descendants;

export interface ScannerProc extends Tracked {
  /** Stops the scanner its own way and waits until it and every descendant it had are gone. */
  stop(): Promise<void>;
  /** Every descendant pid seen so far (refreshed by `descendants()`). */
  descendants(): number[];
}

/**
 * Starts `command args`; `orderlyStop` asks it to stop (a signal, a control command). Cleanup
 * stops it if the test did not, waits for its whole tree, and KILLs by pid what outlives that.
 */
export function startScanner(
  t: TestContext,
  command: string,
  args: readonly string[],
  orderlyStop: (proc: Tracked) => void | Promise<void>,
  options: SpawnOptions = {},
): ScannerProc {
  const proc = spawnTracked(t, command, args, options);
  const seen = new Set<number>();
  const refresh = (): number[] => {
    for (const pid of descendantsOf(proc.pid)) seen.add(pid);
    return [...seen];
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      refresh();
      if (isAlive(proc.pid)) await orderlyStop(proc);
      const all = [proc.pid, ...seen];
      try {
        await waitFor(`${command} and its ${seen.size} descendants to exit`, () => all.every((pid) => !isAlive(pid)), { timeout: 20_000 });
      } finally {
        for (const pid of all) if (isAlive(pid)) killPid(pid);
      }
    })());
  defer(t, stop);
  return { ...proc, stop, descendants: refresh };
}
