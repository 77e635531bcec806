/**
 * Waiting for supervise/status to say something, with the lowest latency we can get without
 * spinning a core the supervisor needs: inotify on supervise/ (every supervisor renames
 * status.new over status) plus a short poll in case an event is missed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusRecord } from '../../src/protocol/status.js';
import { readStatus } from '../../test/helpers/supervise-files.js';

export const isRunning = (s: StatusRecord): boolean => s.pid !== 0 && s.state === 1;
export const isDown = (s: StatusRecord): boolean => s.pid === 0 && s.state === 0;

/** Resolves with the matching record and the performance.now() at which it was seen. */
export function waitStatus(
  serviceDir: string,
  what: string,
  predicate: (s: StatusRecord) => boolean,
  timeoutMs = 15_000,
): Promise<{ status: StatusRecord; at: number }> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    const finish = (): void => {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(deadline);
    };
    const check = (): void => {
      const status = readStatus(serviceDir);
      if (status === undefined || !predicate(status)) return;
      const at = performance.now();
      finish();
      resolve({ status, at });
    };
    const poll = setInterval(check, 5);
    const deadline = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${serviceDir})`));
    }, timeoutMs);
    try {
      watcher = watch(join(serviceDir, 'supervise'), check);
    } catch {
      // supervise/ not made yet: the poll covers it
    }
    check();
  });
}

/**
 * Waits until every service in `serviceDirs` is running; resolves with the performance.now()
 * of the poll that saw the last one. Polls (many dirs, seconds-long waits: 10 ms is plenty).
 */
export async function waitAllRunning(
  serviceDirs: readonly string[],
  what: string,
  timeoutMs: number,
  whyDead: () => string | undefined = () => undefined,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const pending = new Set(serviceDirs);
  for (;;) {
    const dead = whyDead();
    if (dead !== undefined) throw new Error(`while waiting for ${what}: ${dead}`);
    for (const dir of pending) {
      const status = readStatus(dir);
      if (status !== undefined && isRunning(status)) pending.delete(dir);
    }
    if (pending.size === 0) return performance.now();
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${pending.size} of ${serviceDirs.length} not running`);
    }
    await sleep(10);
  }
}
