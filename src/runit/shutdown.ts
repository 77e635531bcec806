/**
 * The end of an init's life: after the services, whatever else still runs below us (daemons
 * that double-forked, stragglers of stage scripts) is sent TERM, then KILL, and reaped, so a
 * container stops with nothing left running.
 */
import { sleep, systemClock, type Clock } from '../clock.js';
import { isZombie } from '../sys/proc.js';
import { descendantPids, reapOrphans } from './reaper.js';

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/**
 * TERM (and CONT, for stopped ones) to every descendant, KILL at the deadline; returns how many
 * had to be KILLed. Zombies are reaped on the way (libuv's own children reap themselves).
 */
export async function stopDescendants(graceMillis: number, clock: Clock = systemClock): Promise<number> {
  const first = descendantPids();
  if (first.length === 0) return 0;
  signalAll(first, 'SIGTERM');
  signalAll(first, 'SIGCONT');
  const deadline = clock.monotonicMillis() + graceMillis;
  while (clock.monotonicMillis() < deadline) {
    reapOrphans();
    // Done once every one is gone, zombies included: stage 3 must not see them in /proc.
    if (descendantPids().length === 0) return 0;
    await sleep(clock, 20);
  }
  const left = liveDescendants();
  signalAll(left, 'SIGKILL');
  const reapDeadline = clock.monotonicMillis() + 2000;
  while (clock.monotonicMillis() < reapDeadline && descendantPids().length > 0) {
    reapOrphans();
    await sleep(clock, 20);
  }
  return left.length;
}

function liveDescendants(): number[] {
  return descendantPids().filter((pid) => !isZombie(pid));
}
