import type { SpawnOptions } from 'node:child_process';
import { ourBin, realBin } from './binaries.js';
import { spawnTracked, type Tracked } from './procs.js';
import { isSupervised, readStatus, sendControl } from './supervise-files.js';
import { waitFor } from './wait-for.js';
import { defer } from './cleanup.js';
import { join } from 'node:path';

export type Impl = 'ours' | 'real';
export const IMPLS: readonly Impl[] = ['ours', 'real'];

export function binOf(impl: Impl, name: string): string {
  return impl === 'ours' ? ourBin(name) : realBin(name);
}

/**
 * Starts runsv (ours or runit's) on `name` inside `cwd` and waits until it answers on
 * supervise/ok. Cleanup sends `x` and waits for it to exit; the tracker's TERM/KILL by pid is
 * the fallback.
 */
export async function startRunsv(
  t: { after(fn: () => void | Promise<void>): void },
  impl: Impl,
  cwd: string,
  name: string,
  options: SpawnOptions = {},
): Promise<Tracked> {
  const proc = spawnTracked(t, binOf(impl, 'runsv'), [name], { cwd, ...options });
  const dir = join(cwd, name);
  defer(t, async () => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    try {
      sendControl(dir, 'x');
      if (isSupervised(join(dir, 'log'))) sendControl(join(dir, 'log'), 'd');
    } catch {
      // not ready: the tracker's TERM covers it
    }
    await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, 4000))]);
  });
  await waitFor(`${impl} runsv to serve ${name}`, () => isSupervised(dir) || proc.child.exitCode !== null);
  return proc;
}

/** Waits until the main service's status satisfies `predicate`. */
export function waitStatus(dir: string, what: string, predicate: (s: NonNullable<ReturnType<typeof readStatus>>) => boolean) {
  return waitFor(what, () => {
    const status = readStatus(dir);
    return status !== undefined && predicate(status) ? status : undefined;
  });
}
