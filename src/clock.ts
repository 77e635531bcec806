/**
 * Time as the supervisors see it: a monotonic clock for deadlines and a wall clock for the
 * TAI64N stamps written to disk. Passed in as a parameter so tests drive time by hand.
 */
import { performance } from 'node:perf_hooks';
import { tai64nFromMillis, type Tai64n } from './protocol/tai64n.js';

export interface Clock {
  /** Monotonic milliseconds, for deadlines and the 1-second rule. */
  monotonicMillis(): number;
  /** Wall-clock stamp at microsecond resolution, as gettimeofday() gives runit. */
  now(): Tai64n;
  /** Runs `callback` after `millis` ms of monotonic time; returns a cancel function. */
  setTimer(millis: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  monotonicMillis: () => performance.now(),
  now() {
    // performance gives microseconds like gettimeofday(); Date.now() wins if the wall clock moved.
    const precise = performance.timeOrigin + performance.now();
    const wall = Date.now();
    return tai64nFromMillis(Math.abs(precise - wall) < 2 ? precise : wall);
  },
  setTimer(millis, callback) {
    const timer = setTimeout(callback, Math.max(0, millis));
    return () => clearTimeout(timer);
  },
};

/** Wall-clock milliseconds from `clock`, to compare with file times (mtimeMs). */
export function wallMillis(clock: Clock): number {
  const { seconds, nanoseconds } = clock.now();
  return seconds * 1000 + Math.floor(nanoseconds / 1e6);
}

/** Waits `millis` ms of `clock`'s time: a fake clock moves it by hand, so polls cost no real time. */
export function sleep(clock: Clock, millis: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(millis, resolve));
}
