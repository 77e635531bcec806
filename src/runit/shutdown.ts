/**
 * The end of an init's life: after the services, whatever else still runs below us (daemons
 * that double-forked, stragglers of stage scripts) is sent TERM, then KILL, and reaped, so a
 * container stops with nothing left running.
 */
import { readFileSync } from 'node:fs';
import { sleep, systemClock, type Clock } from '../clock.js';
import { isZombie } from '../sys/proc.js';
import { descendantPids, reapOrphans } from './reaper.js';

/** How long KILLed processes get to be reaped (KILL cannot be ignored: milliseconds, normally). */
const REAP_MILLIS = 500;
const POLL_MILLIS = 20;

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/** `pid 1234 (sleep)`: how a KILLed process is named in the init's warning. */
export function describeProcess(pid: number): string {
  let name = '?';
  try {
    name = readFileSync(`/proc/${pid}/comm`, 'latin1').trimEnd();
  } catch {
    // gone meanwhile: the pid alone
  }
  return `pid ${pid} (${name})`;
}

/**
 * TERM (and CONT, for stopped ones) to every descendant, KILL at `deadline` (monotonic; at once
 * when it has passed); returns each process that had to be KILLed, named for a warning. Zombies
 * are reaped on the way (libuv's own children reap themselves).
 */
export async function stopDescendants(deadline: number, clock: Clock = systemClock): Promise<string[]> {
  const first = descendantPids();
  if (first.length === 0) return [];
  signalAll(first, 'SIGTERM');
  signalAll(first, 'SIGCONT');
  for (;;) {
    reapOrphans();
    // Done once every one is gone, zombies included: stage 3 must not see them in /proc.
    if (descendantPids().length === 0) return [];
    if (clock.monotonicMillis() >= deadline) break;
    await sleep(clock, Math.min(POLL_MILLIS, deadline - clock.monotonicMillis()));
  }
  const left = liveDescendants();
  const named = left.map(describeProcess);
  signalAll(left, 'SIGKILL');
  const reapDeadline = clock.monotonicMillis() + REAP_MILLIS;
  while (clock.monotonicMillis() < reapDeadline && descendantPids().length > 0) {
    reapOrphans();
    await sleep(clock, POLL_MILLIS);
  }
  return named;
}

function liveDescendants(): number[] {
  return descendantPids().filter((pid) => !isZombie(pid));
}
