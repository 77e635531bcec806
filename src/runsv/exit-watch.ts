/**
 * The exits of processes that are not our children: services a previous supervisor started and
 * left running when it died, taken over here (adopt.ts). waitpid() works only for children, and
 * libuv cannot wait on a pidfd (it watches only the handle types it knows), so one timer per
 * process polls every watched pidfd with a single poll(2), a few times a second. A pidfd stays
 * bound to its process, so a signal sent through it never reaches a later owner of the pid.
 * Without pidfds (a kernel older than 5.3) the pid and its start time in /proc stand in.
 */
import { errorCode } from '../errors.js';
import { close } from '../sys/index.js';
import { pidfdOpen, pidfdSendSignal, readableNow } from '../sys/pidfd.js';
import { isLive, processStartMillis } from '../sys/proc.js';

/** How often the watched processes are looked at: an exit is noticed within this time. */
export const EXIT_POLL_MILLIS = 250;

interface Watched {
  /** Undefined where pidfds are not available. */
  fd: number | undefined;
  /** The start time that identifies the process when there is no pidfd. */
  started: number | undefined;
  onExit: () => void;
}

export class ExitWatch {
  readonly #watched = new Map<number, Watched>();
  readonly #pollMillis: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(pollMillis = EXIT_POLL_MILLIS) {
    this.#pollMillis = pollMillis;
  }

  /** Watches `pid`; `onExit` runs once when it has exited. False when it is gone already. */
  watch(pid: number, onExit: () => void): boolean {
    this.forget(pid);
    let fd: number | undefined;
    try {
      fd = pidfdOpen(pid);
    } catch (error) {
      if (errorCode(error) === 'ESRCH') return false;
      // ENOSYS and the like: fall back to /proc.
    }
    const started = processStartMillis(pid);
    if (fd === undefined && (started === undefined || !isLive(pid))) return false;
    this.#watched.set(pid, { fd, started, onExit });
    this.#timer ??= setInterval(() => this.#poll(), this.#pollMillis).unref();
    return true;
  }

  /** Whether `pid` is watched here. */
  has(pid: number): boolean {
    return this.#watched.has(pid);
  }

  /** Sends `signal` (a number) to a watched process; one that has exited is left alone. */
  signal(pid: number, signal: number): void {
    const watched = this.#watched.get(pid);
    if (watched === undefined) return;
    try {
      if (watched.fd !== undefined) pidfdSendSignal(watched.fd, signal);
      else if (processStartMillis(pid) === watched.started) process.kill(pid, signal);
    } catch {
      // ESRCH: it has exited, and the next poll says so.
    }
  }

  /** Stops watching `pid` without calling its onExit. */
  forget(pid: number): void {
    const watched = this.#watched.get(pid);
    if (watched === undefined) return;
    this.#watched.delete(pid);
    if (watched.fd !== undefined) close(watched.fd);
    if (this.#watched.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #poll(): void {
    const entries = [...this.#watched];
    const withFd = entries.filter(([, watched]) => watched.fd !== undefined);
    const readable = readableNow(withFd.map(([, watched]) => watched.fd!));
    const exited = withFd.filter((_, index) => readable[index]);
    for (const entry of entries) {
      const [pid, watched] = entry;
      if (watched.fd === undefined && (!isLive(pid) || processStartMillis(pid) !== watched.started)) exited.push(entry);
    }
    for (const [pid, watched] of exited) {
      this.forget(pid);
      watched.onExit();
    }
  }
}

/** The one watch of this process: one timer for every supervisor in it. */
export const exitWatch = new ExitWatch();
