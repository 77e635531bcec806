/**
 * PID 1's first duty: orphans re-parent to us and nobody else will wait for them. libuv (and
 * sys/direct-spawn.ts) reap only the children they spawned, so on SIGCHLD we wait for every other
 * zombie child, one pid at a time, never with waitpid(-1) (that would steal their children and
 * lose their exits).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isSpawnedChild } from '../sys/spawned.js';
import { WNOHANG, waitpid } from '../sys/index.js';
import { isZombie } from '../sys/proc.js';

/** Our direct children, from every thread's `children` list (procfs, CONFIG_PROC_CHILDREN). */
export function childPids(pid: number | 'self' = 'self'): number[] {
  const pids: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return pids;
  }
  for (const task of tasks) {
    try {
      for (const word of readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ')) {
        if (word !== '') pids.push(Number(word));
      }
    } catch {
      // the thread ended meanwhile
    }
  }
  return pids;
}

/** Every process below `root`, children first found by walking each one's children lists. */
export function descendantPids(root: number | 'self' = 'self'): number[] {
  const found: number[] = [];
  const queue = childPids(root);
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...childPids(pid));
  }
  return found;
}

/** Waits for every zombie child that no spawner here owns; returns how many were reaped. */
export function reapOrphans(): number {
  let reaped = 0;
  for (const pid of childPids()) {
    if (isSpawnedChild(pid) || !isZombie(pid)) continue;
    try {
      if (waitpid(pid, WNOHANG).pid === pid) reaped += 1;
    } catch {
      // ECHILD: someone else got it first
    }
  }
  return reaped;
}

export interface Reaper {
  stop(): void;
}

/**
 * Reaps on every SIGCHLD, and once a second as a safety net (signals coalesce, and a zombie
 * re-parented between two reads would otherwise wait for the next child to die).
 */
export function startReaper(sweepMillis = 1000): Reaper {
  const reap = (): void => {
    reapOrphans();
  };
  process.on('SIGCHLD', reap);
  const timer = setInterval(reap, sweepMillis);
  timer.unref();
  reap();
  return {
    stop() {
      process.off('SIGCHLD', reap);
      clearInterval(timer);
    },
  };
}
