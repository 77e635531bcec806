/**
 * Starting a supervisor's child with posix_spawn(3) instead of libuv (issue 22). libuv forks the
 * whole Node process, resets every signal in the child, and returns only once the child has
 * exec'd: ~1-3 ms per start in which the supervisor writes nothing. glibc's posix_spawn shares
 * the address space until the exec (no page tables copied) and took ~0.2 ms here. runsv writes
 * the pid right after its fork; this gets closest to that.
 *
 * What libuv did for the child is done here too: every signal back to its default action, an
 * empty signal mask, the stdio descriptors in place, the working directory. The children are
 * reaped here, on SIGCHLD, one known pid at a time (never waitpid(-1): libuv's children and the
 * init's orphans are someone else's), and sys/spawned.ts knows them so the init's reaper leaves
 * them alone.
 */
import { constants } from 'node:fs';
import { SysError } from '../errors.js';
import { getStatusFlags, O_NONBLOCK, WNOHANG, waitpid } from './index.js';
import { spawnC } from './libc.js';
import { decodeWaitStatus } from './orphans.js';
import { noteReaped, noteSpawned } from './spawned.js';

/** A child's stdio slot: a descriptor of ours it gets at that number, or /dev/null. */
export type DirectStdio = number | 'ignore';

export interface DirectSpawnOptions {
  cwd: string;
  stdio: readonly DirectStdio[];
  argv0: string;
  env: NodeJS.ProcessEnv;
}

/** `code` is null when a signal ended it; `signal` is 0 otherwise. */
export type DirectExit = (code: number | null, signal: number) => void;

// glibc x86-64's sizes, rounded up: posix_spawn_file_actions_t 80, posix_spawnattr_t 336, sigset_t 128.
const ACTIONS_BYTES = 128;
const ATTR_BYTES = 384;
const SIGSET_BYTES = 128;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;

const running = new Map<number, DirectExit>();
let isListening = false;
/**
 * Holds the event loop open while a child runs, as libuv's process handle did (a signal
 * listener does not), and looks for ended children now and then, should a SIGCHLD be missed.
 */
let keepAlive: NodeJS.Timeout | undefined;
const SAFETY_REAP_MILLIS = 5000;
let isAvailable: boolean | undefined;
/** The signal sets, made once: every signal to its default action; nothing blocked. */
let attr: Buffer | undefined;

/**
 * Whether spawnDirect can start a child with these descriptors: glibc x86-64 Linux (with
 * addchdir_np, 2.29+), no slot whose descriptor an earlier slot's dup2 would have replaced, and
 * no non-blocking descriptor for 0-2 (libuv makes those blocking in the child; the caller
 * leaves such a start to libuv).
 */
export function canSpawnDirect(stdio: readonly unknown[]): stdio is DirectStdio[] {
  isAvailable ??= probe();
  if (!isAvailable) return false;
  for (const [slot, fd] of stdio.entries()) {
    if (fd === 'ignore' || fd === slot) continue;
    if (typeof fd !== 'number') return false; // anything else (a stream, a socket) is libuv's
    if (fd < stdio.length && stdio[fd] !== fd) return false;
  }
  for (const fd of stdio.slice(0, 3)) {
    if (typeof fd !== 'number') continue;
    try {
      if ((getStatusFlags(fd) & O_NONBLOCK) !== 0) return false;
    } catch {
      return false; // a closed descriptor: libuv reports it in its words
    }
  }
  return true;
}

function probe(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64' || process.env['NODE_RUNIT_LIBUV_SPAWN'] !== undefined) return false;
  try {
    attr = Buffer.alloc(ATTR_BYTES);
    // Every bit, not sigfillset(): that leaves out glibc's own two signals (32, 33), which its
    // posix_spawn then sets to SIG_IGN in the child, and ./run would inherit them ignored.
    const all = Buffer.alloc(SIGSET_BYTES, 0xff);
    const none = Buffer.alloc(SIGSET_BYTES);
    spawnC.attrInit(attr);
    spawnC.attrSetSigDefault(attr, all);
    spawnC.attrSetSigMask(attr, none);
    spawnC.attrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    // Declared now: a libc without it (glibc < 2.29) throws here, not in the middle of a start.
    void spawnC.addChdir;
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `file` (relative to `cwd`, as runsv's `./run`) with `args`; returns its pid. Throws
 * SysError with the exec's errno (ENOENT, EACCES, ENOEXEC) or the fork's (EAGAIN, ENOMEM): glibc
 * reports both and reaps a child whose exec failed. `onExit` is called once, when it has ended.
 */
export function spawnDirect(file: string, args: readonly string[], options: DirectSpawnOptions, onExit: DirectExit): number {
  if (!isListening) {
    process.on('SIGCHLD', reapDirect);
    isListening = true;
  }
  const actions = Buffer.alloc(ACTIONS_BYTES);
  spawnC.actionsInit(actions);
  try {
    for (const [slot, fd] of options.stdio.entries()) {
      const failed =
        fd === 'ignore'
          ? spawnC.addOpen(actions, slot, '/dev/null', slot === 0 ? constants.O_RDONLY : constants.O_RDWR, 0)
          : // Same number too: glibc then clears FD_CLOEXEC, as libuv did.
            spawnC.addDup2(actions, fd, slot);
      if (failed !== 0) throw new SysError('posix_spawn', failed as number);
    }
    const failed = spawnC.addChdir(actions, options.cwd) as number;
    if (failed !== 0) throw new SysError('posix_spawn', failed);
    const env = Object.entries(options.env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
    const pid = [0];
    const error = spawnC.posix_spawn(pid, file, actions, attr, [options.argv0, ...args, null], [...env, null]) as number;
    if (error !== 0) throw new SysError('posix_spawn', error, file);
    const started = pid[0]!;
    running.set(started, onExit);
    noteSpawned(started);
    keepAlive ??= setInterval(reapDirect, SAFETY_REAP_MILLIS);
    return started;
  } finally {
    spawnC.actionsDestroy(actions);
  }
}

/** SIGCHLD: waits for each child started here that has ended (signals coalesce: ask each). */
function reapDirect(): void {
  for (const [pid, onExit] of running) {
    let status: number;
    try {
      const reaped = waitpid(pid, WNOHANG);
      if (reaped.pid !== pid) continue;
      status = reaped.status;
    } catch {
      status = -1; // ECHILD: reaped by someone else; how it ended is lost
    }
    running.delete(pid);
    noteReaped(pid);
    if (running.size === 0) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
    const { code, signal } = status === -1 ? { code: null, signal: 0 } : decodeWaitStatus(status);
    onExit(code, signal);
  }
}
