/**
 * One process, one descriptor table (issue 14, fault 5): under runit each runsv has its own, here
 * every in-process Supervisor shares this process's. A Supervisor with a log service holds 11
 * (measured: two directories, two locks, two control FIFOs, two ok FIFOs, the log pipe's two
 * ends; `supervise/stats`, held open for its writes in place), and 14 when the svlogd engine runs its log service in this process (svlogd's lock and
 * current, the pipe read once more), so a low `ulimit -n` is reached long before runit's would be. Before starting one more,
 * make sure it fits and leaves a reserve for the ones that run (each spawn takes two descriptors
 * for a moment; svlogd opens files as it rotates): what does not fit waits for a later scan
 * instead of taking the last descriptors from the services already running.
 * Node raises the soft RLIMIT_NOFILE to the hard limit at start-up, so the soft limit read here is
 * already as high as this process may go.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Descriptors one Supervisor holds with its log service run in process (one log directory). */
export const FDS_PER_SERVICE = 14;
/** Kept free for the Supervisors already running. */
export const FD_RESERVE = 32;
/** What the process holds besides its Supervisors (stdio, epoll, eventfds, inotify...). */
const BASELINE_FDS = 64;

/** The soft `Max open files` of /proc/self/limits; undefined when unknown or unlimited. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .find((text) => text.startsWith('Max open files'));
    const soft = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    return Number.isSafeInteger(soft) ? soft : undefined;
  } catch {
    return undefined;
  }
}

function openFdCount(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/**
 * Whether one more Supervisor fits beside `supervisors` others, `starting` of which are still
 * taking their descriptors (not all counted yet), and the `heldFds` they hold for their services
 * (`listen` sockets and fd stores, docs/extensions.md: any number a service). /proc/self/fd is only counted when the limit
 * is near: with a high one this is one small read.
 */
export function hasRoomForSupervisor(supervisors: number, starting: number, limit = openFilesLimit(), heldFds = 0): boolean {
  if (limit === undefined) return true;
  if (BASELINE_FDS + heldFds + (supervisors + 1) * FDS_PER_SERVICE + FD_RESERVE <= limit) return true;
  const open = openFdCount();
  return open === undefined || open + (starting + 1) * FDS_PER_SERVICE + FD_RESERVE <= limit;
}
