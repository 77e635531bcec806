/** Running a command (and whatever it starts) to completion with a deadline. */
import type { SpawnOptions } from 'node:child_process';
import { killPid, spawnTracked } from '../../test/helpers/procs.js';
import { treeOf } from './procfs.js';
import { reapPids } from './reap.js';
import type { Scope } from './scope.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Resolves when the command exits. Past the deadline its whole tree (a pipeline's members are
 * its children) is killed by pid and the promise rejects, so a stuck scenario ends.
 */
export async function runBounded(scope: Scope, file: string, args: readonly string[], options: SpawnOptions, timeoutMs: number): Promise<Finished> {
  const proc = spawnTracked(scope, file, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    const pids = treeOf(proc.pid);
    for (const pid of pids) killPid(pid, 'SIGKILL');
    await reapPids(pids, 5000);
    throw new Error(`${file} ${args.join(' ')} did not finish in ${timeoutMs} ms`);
  }
  return { ...outcome, stderr: proc.stderr() };
}

/** Rejects after `ms` unless `work` settles first; the caller's scope then stops what it started. */
export async function withTimeLimit<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
