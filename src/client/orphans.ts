/**
 * Services that still run with nobody supervising them: a supervisor that died (SIGKILL, the OOM
 * killer) and was not started again leaves its service and log service running. A new supervisor
 * takes them over (runsv/adopt.ts); when none will, e.g. DevTree.stopRunsvdir() after its
 * runsvdir was killed, they are found here from their last records and stopped in runsv's order.
 */
import { join } from 'node:path';
import { sleep, systemClock, type Clock } from '../clock.js';
import { LOG } from '../protocol/layout.js';
import { isExiting, isLive, processStartMillis } from '../sys/proc.js';
import { isServiceSupervised } from './dev-tree-status.js';
import { readRecord, recordedProcess } from './recorded-process.js';

export interface Orphan {
  /** The service (or log service) directory whose record names it. */
  dir: string;
  isLog: boolean;
  pid: number;
  /** Its start time, checked again before each signal so a reused pid is never signalled. */
  started: number;
}

/** How long a log service is given to see end-of-file and exit by itself once its service is gone. */
export const LOG_EOF_WAIT_MILLIS = 2000;
const POLL_MILLIS = 50;

/** The running instances that the records of `serviceDirs` (and their `log/`) name and nobody supervises. */
export function findOrphans(serviceDirs: readonly string[]): Orphan[] {
  const found: Orphan[] = [];
  for (const service of serviceDirs) {
    for (const [dir, isLog] of [[service, false], [join(service, LOG), true]] as const) {
      if (isSupervisedHere(dir)) continue;
      const record = readRecord(dir);
      const pid = record === undefined ? undefined : recordedProcess(dir, record);
      const started = pid === undefined ? undefined : processStartMillis(pid);
      if (pid !== undefined && started !== undefined) found.push({ dir, isLog, pid, started });
    }
  }
  return found;
}

/**
 * Waits (up to `millis`) for a supervisor that was just killed to finish dying: until then it
 * still holds its services' supervise/ files, and they look supervised.
 */
export async function waitExited(pid: number, millis: number, clock: Clock = systemClock): Promise<void> {
  const deadline = clock.monotonicMillis() + millis;
  while (isExiting(pid) && clock.monotonicMillis() < deadline) await sleep(clock, POLL_MILLIS);
}

function isSupervisedHere(dir: string): boolean {
  try {
    return isServiceSupervised(dir);
  } catch {
    // supervise/ unreadable: its record cannot be trusted either.
    return true;
  }
}

/**
 * Stops them as runsv would: the services with TERM and CONT, KILL for any left after
 * `graceMillis`; then the log services, which see end-of-file once the last writer is gone and
 * write their last lines, TERMed (and KILLed) only if they are still there. Resolves with the
 * ones that had to be KILLed.
 */
export async function stopOrphans(orphans: readonly Orphan[], graceMillis: number, clock: Clock = systemClock): Promise<Orphan[]> {
  const killed = await stopAll(orphans.filter((orphan) => !orphan.isLog), graceMillis, clock);
  const logs = orphans.filter((orphan) => orphan.isLog);
  await waitGone(logs, Math.min(LOG_EOF_WAIT_MILLIS, graceMillis), clock);
  killed.push(...(await stopAll(logs.filter(isRunning), graceMillis, clock)));
  return killed;
}

async function stopAll(orphans: readonly Orphan[], graceMillis: number, clock: Clock): Promise<Orphan[]> {
  for (const orphan of orphans) {
    signal(orphan, 'SIGTERM');
    signal(orphan, 'SIGCONT');
  }
  await waitGone(orphans, graceMillis, clock);
  const left = orphans.filter(isRunning);
  for (const orphan of left) signal(orphan, 'SIGKILL');
  await waitGone(left, 1000, clock);
  return left;
}

function isRunning(orphan: Orphan): boolean {
  return isLive(orphan.pid) && processStartMillis(orphan.pid) === orphan.started;
}

function signal(orphan: Orphan, name: NodeJS.Signals): void {
  if (!isRunning(orphan)) return;
  try {
    process.kill(orphan.pid, name);
  } catch {
    // gone meanwhile
  }
}

async function waitGone(orphans: readonly Orphan[], millis: number, clock: Clock): Promise<void> {
  const deadline = clock.monotonicMillis() + millis;
  while (orphans.some(isRunning) && clock.monotonicMillis() < deadline) await sleep(clock, POLL_MILLIS);
}
