/**
 * Orphans: processes re-parented to this one because it is PID 1 or a child subreaper (the init,
 * and a supervisor that follows a service's new main pid, runsv/main-pid.ts). libuv reaps only
 * the children it spawned, and sys/direct-spawn.ts its own, so on SIGCHLD every other zombie
 * child is waited for, one pid at a time, never with waitpid(-1) (that would steal their
 * children and lose their exits).
 * A zombie someone waits for by name (`claimExit`: a followed main pid, whose exit status its
 * supervisor reports) is handed to that claimant instead of being thrown away.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isSpawnedChild } from './spawned.js';
import { WNOHANG, waitpid } from './index.js';
import { isZombie } from './proc.js';

/** How a waited-for process ended: as a ChildProcess `exit` reports it, the signal as a number. */
export interface WaitedExit {
  code: number | null;
  signal: number;
}

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

/** Pid → who gets its exit status when its zombie is reaped here. */
const claims = new Map<number, (exit: WaitedExit) => void>();

/**
 * `pid`'s exit status goes to `onExit` when its zombie is reaped here (by the reaper or by
 * `reapClaimed`), once. Returns the way to give the claim up.
 */
export function claimExit(pid: number, onExit: (exit: WaitedExit) => void): () => void {
  claims.set(pid, onExit);
  return () => {
    if (claims.get(pid) === onExit) claims.delete(pid);
  };
}

/** waitpid(2)'s status word as an exit code or a signal number. */
export function decodeWaitStatus(status: number): WaitedExit {
  const signal = status & 0x7f;
  return signal === 0 ? { code: (status >> 8) & 0xff, signal: 0 } : { code: null, signal };
}

/**
 * Waits for `pid` if it is a zombie child of ours that libuv does not own; its claimant (if any)
 * gets the status. Returns whether it was reaped here.
 */
export function reapIfZombie(pid: number): boolean {
  if (isSpawnedChild(pid) || !isZombie(pid)) return false;
  let reaped;
  try {
    reaped = waitpid(pid, WNOHANG);
  } catch {
    return false; // ECHILD: not ours (its parent still lives), or someone else got it first
  }
  if (reaped.pid !== pid) return false;
  const onExit = claims.get(pid);
  claims.delete(pid);
  onExit?.(decodeWaitStatus(reaped.status));
  return true;
}

/** Waits for every zombie child that libuv does not own; returns how many were reaped. */
export function reapOrphans(): number {
  let reaped = 0;
  for (const pid of childPids()) if (reapIfZombie(pid)) reaped += 1;
  return reaped;
}

export interface Reaper {
  stop(): void;
}

let users = 0;
let stopShared: (() => void) | undefined;

/**
 * Reaps on every SIGCHLD, and once a second as a safety net (signals coalesce, and a zombie
 * re-parented between two reads would otherwise wait for the next child to die). One reaper per
 * process however many ask (the init and each of its in-process supervisors): it stops when the
 * last one has.
 */
export function startReaper(sweepMillis = 1000): Reaper {
  users += 1;
  if (stopShared === undefined) {
    const reap = (): void => {
      reapOrphans();
    };
    process.on('SIGCHLD', reap);
    const timer = setInterval(reap, sweepMillis);
    timer.unref();
    reap();
    stopShared = () => {
      process.off('SIGCHLD', reap);
      clearInterval(timer);
    };
  }
  let isStopped = false;
  return {
    stop() {
      if (isStopped) return;
      isStopped = true;
      users -= 1;
      if (users > 0) return;
      stopShared?.();
      stopShared = undefined;
    },
  };
}
