/**
 * What /proc says about one process. No libc here, so client code (DevTree) can read it without
 * loading the FFI.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

/**
 * The state letter of `/proc/PID/stat` (R, S, D, Z, X, ...), read after the last `)` because the
 * command name before it may hold anything, spaces and parentheses included. Undefined once the
 * process is gone (or was never there).
 */
export function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/** The fields of `/proc/PID/stat` from the state letter on (field 3 is index 0). */
function statFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === '' ? undefined : fields;
}

/**
 * Killed but not yet gone: the main thread is a zombie while other threads still run their exit,
 * and until the last one has, the process keeps its descriptors (locks, FIFOs) and its children.
 */
export function isExiting(pid: number): boolean {
  if (processState(pid) !== 'Z') return false;
  try {
    return readdirSync(`/proc/${pid}/task`).length > 1;
  } catch {
    return false;
  }
}

/** USER_HZ: the unit of /proc's tick counts, 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;
let bootMillis: number | undefined;

/** When the system booted (wall clock, whole seconds), from /proc/stat's `btime`. */
function bootTimeMillis(): number | undefined {
  if (bootMillis !== undefined) return bootMillis;
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
    if (match !== null) bootMillis = Number(match[1]) * 1000;
  } catch {
    // no /proc: undefined
  }
  return bootMillis;
}

/**
 * When `pid` started, in wall-clock milliseconds: field 22 (ticks since boot) plus the boot
 * time. Good to about a second (btime is whole seconds, ticks are 10 ms); undefined when gone.
 */
export function processStartMillis(pid: number): number | undefined {
  const ticks = Number(statFields(pid)?.[19]);
  const boot = bootTimeMillis();
  if (!Number.isFinite(ticks) || boot === undefined) return undefined;
  return boot + (ticks * 1000) / TICKS_PER_SECOND;
}

/** The pipe inode behind `/proc/PID/fd/FD` (`pipe:[N]`), or undefined when that is no pipe. */
export function pipeInode(pid: number, fd: number): number | undefined {
  try {
    const match = /^pipe:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Whether `pid`'s working directory is the directory `dir` names (same device and inode). */
export function isWorkingIn(pid: number, dir: string): boolean {
  try {
    const cwd = statSync(`/proc/${pid}/cwd`);
    const target = statSync(dir);
    return cwd.dev === target.dev && cwd.ino === target.ino;
  } catch {
    return false;
  }
}

/** Dead but not yet waited for (state Z). */
export function isZombie(pid: number): boolean {
  return processState(pid) === 'Z';
}

/** Listed in /proc and not exited: neither a zombie nor so far gone (X) that only its entry is left. */
export function isLive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The parent's pid (`/proc/PID/stat` field 4); undefined once the process is gone. */
export function parentPid(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Whether `ancestor` is `pid`'s parent, grandparent, …: the parent links, read up to the top. */
export function isDescendantOf(pid: number, ancestor: number): boolean {
  const seen = new Set<number>();
  for (let at = parentPid(pid); at !== undefined && at > 0 && !seen.has(at); at = parentPid(at)) {
    if (at === ancestor) return true;
    seen.add(at);
  }
  return false;
}
