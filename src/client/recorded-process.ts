/**
 * Which process a `supervise/status` record names, if that very process still runs. A supervisor
 * that died (SIGKILL, the OOM killer) leaves its service running with nobody to watch it, and its
 * last record still names the pid. That pid may since have been given to another process, so a
 * live pid is not enough: the process must have started when the record says the service did.
 * runsv (taking such a service over) and DevTree (stopping what nobody supervises) both ask here.
 */
import { STATE_FINISH, STATE_RUN, STATUS_SIZE, unpackStatus, type StatusRecord } from '../protocol/status.js';
import { isLive, isWorkingIn, processStartMillis } from '../sys/proc.js';
import { SuperviseDir } from './supervise-dir.js';

/**
 * How far a process's start may lie after the record's stamp: /proc's start time is good to
 * about a second (btime is whole seconds), the stamp to microseconds.
 */
export const START_AFTER_STAMP_MS = 2000;
/**
 * How far it may lie before: a supervisor stamps the start once the child has been spawned, which
 * a busy event loop (hundreds of services starting at once) may delay by seconds. A reused pid
 * starts after the one it replaces ended, so it fails the bound above unless the kernel went
 * through every pid within these seconds.
 */
export const START_BEFORE_STAMP_MS = 30_000;

/** The record of `dir`'s supervise/ (the service or its `log`), undefined when there is none. */
export function readRecord(dir: string): StatusRecord | undefined {
  const buffer = new Uint8Array(STATUS_SIZE);
  try {
    if (new SuperviseDir(dir).readStatus(buffer) !== STATUS_SIZE) return undefined;
  } catch {
    return undefined;
  }
  return unpackStatus(buffer);
}

/**
 * The pid of the record's process when it is still running and is the one the record means.
 * A `run` record's stamp is when ./run started. A `finish` record keeps the stamp of the run
 * before it, so its ./finish must have started after that and still work in `dir` (runsv
 * starts it there; a finish script rarely changes directory).
 */
export function recordedProcess(dir: string, record: StatusRecord): number | undefined {
  const { pid, state } = record;
  if (pid <= 0 || (state !== STATE_RUN && state !== STATE_FINISH) || !isLive(pid)) return undefined;
  const started = processStartMillis(pid);
  if (started === undefined) return undefined;
  const stamp = record.since.seconds * 1000 + record.since.nanoseconds / 1e6;
  if (started < stamp - START_BEFORE_STAMP_MS) return undefined;
  if (state === STATE_FINISH) return isWorkingIn(pid, dir) ? pid : undefined;
  return started <= stamp + START_AFTER_STAMP_MS ? pid : undefined;
}
