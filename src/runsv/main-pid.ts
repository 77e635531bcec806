/**
 * A new main process (`MAINPID=` on the notify socket), followed as systemd follows one: a
 * service that replaces itself (node-runit/daemon's replaceProcess) starts its successor, which
 * inherits its listening sockets, names it once it is ready, then drains and exits. From then on
 * the named process is the service: `supervise/status` and `pid` show it, `sv` signals reach it
 * (through a pidfd, exit-watch.ts), and its exit is the service's exit (./finish, the restart).
 *
 * To wait for a process it did not start, the supervisor is a child subreaper (prctl
 * PR_SET_CHILD_SUBREAPER) for services with `notify-socket`: when the old process exits, its
 * orphans (the successor among them) are re-parented here instead of to init, and their zombies
 * are reaped here (sys/orphans.ts), the successor's with its exit status for ./finish.
 *
 * What is checked, and why: systemd takes MAINPID= only from processes its NotifyAccess= allows
 * and, from an unprivileged sender, only for a process in the service's cgroup, so a service
 * cannot make its manager signal or wait for someone else's process. There are no cgroups here,
 * and the notify socket does not say who sent a datagram, so the named process is what is
 * checked: it must be alive and a descendant of the current main process (its parent links lead
 * there) or, when that one has exited before its notice was read, an orphan re-parented to this
 * supervisor that libuv did not start (only a service's descendants are re-parented here).
 */
import { claimExit, reapIfZombie, startReaper, type Reaper } from '../sys/orphans.js';
import { setChildSubreaper } from '../sys/index.js';
import { isDescendantOf, isLive, parentPid } from '../sys/proc.js';
import { isSpawnedChild } from '../sys/spawned.js';
import { errorText } from '../errors.js';
import type { ExitWatch } from './exit-watch.js';
import { UNKNOWN_EXIT, type ChildExit } from './record.js';

/** Why `named` may not become the main process in place of `current`; undefined when it may. */
export function mainPidRefusal(current: number, named: number, self = process.pid): string | undefined {
  if (!isLive(named)) return `MAINPID=${named} ignored: no such process`;
  if (isDescendantOf(named, current)) return undefined;
  if (!isLive(current) && parentPid(named) === self && !isSpawnedChild(named)) return undefined;
  return `MAINPID=${named} ignored: not a process the service started`;
}

/**
 * Watches `pid` until it exits; `onExit` gets its status when the zombie is reaped here (it is
 * our orphan by then), else UNKNOWN_EXIT (its parent, still alive, waited for it). Once.
 */
export function followProcess(watch: ExitWatch, pid: number, onExit: (exit: ChildExit) => void): void {
  let isDone = false;
  const done = (exit: ChildExit): void => {
    if (isDone) return;
    isDone = true;
    unclaim();
    watch.forget(pid);
    onExit(exit);
  };
  const unclaim = claimExit(pid, done);
  // The pidfd says it has exited; the zombie, if ours, gives its status through the claim.
  const isWatched = watch.watch(pid, () => {
    if (!reapIfZombie(pid)) done(UNKNOWN_EXIT);
  });
  if (!isWatched && !reapIfZombie(pid)) done(UNKNOWN_EXIT);
}

let isSubreaper = false;

/**
 * Makes this process a child subreaper (once) and starts reaping its orphans, for a service
 * that may name a new main pid. Returns the reaper to stop when the supervisor ends.
 */
export function adoptOrphans(warn: (text: string) => void): Reaper {
  if (!isSubreaper) {
    try {
      setChildSubreaper();
      isSubreaper = true;
    } catch (error) {
      warn(`unable to become a subreaper, MAINPID= cannot be followed: ${errorText(error)}`);
    }
  }
  return startReaper();
}
