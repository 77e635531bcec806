/**
 * The text of our extension files in `supervise/` (docs/extensions.md), written by runsv and read
 * by sv, the Client and dependent services: `ready` (one TAI64N stamp) and `backoff` (the held
 * restart). Pure codecs; each side does its own I/O.
 */
import { formatTai64n, parseTai64n, type Tai64n } from './tai64n.js';

/** `supervise/ready`: `@TAI64N\n`, the moment the current instance became ready. */
export function formatReadyFile(stamp: Tai64n): string {
  return `${formatTai64n(stamp)}\n`;
}

export function parseReadyFile(text: string): Tai64n | undefined {
  return parseTai64n(text.trim());
}

export interface BackoffInfo {
  /** When the held restart is due. */
  restartAt: Tai64n;
  /** The delay chosen, in ms. */
  delay: number;
  /** Deaths in a row that counted towards the delay. */
  crashes: number;
}

/** `supervise/backoff`: `@TAI64N DELAY CRASHES\n`. */
export function formatBackoffFile(info: BackoffInfo): string {
  return `${formatTai64n(info.restartAt)} ${info.delay} ${info.crashes}\n`;
}

export function parseBackoffFile(text: string): BackoffInfo | undefined {
  const [stamp, delay, crashes] = text.trim().split(' ');
  const restartAt = parseTai64n(stamp ?? '');
  if (restartAt === undefined || !/^[0-9]+$/.test(delay ?? '') || !/^[0-9]+$/.test(crashes ?? '')) return undefined;
  return { restartAt, delay: Number(delay), crashes: Number(crashes) };
}

/** `notification-fd`'s content as s6 takes it: a number >= 3 on the first line. */
export function parseNotificationFd(text: string): number | undefined {
  const first = text.split('\n', 1)[0]!.trim();
  if (!/^[0-9]{1,9}$/.test(first)) return undefined;
  const fd = Number(first);
  return fd >= 3 ? fd : undefined;
}

/** Whether stamp `a` is at or after stamp `b`. */
export function isAtOrAfter(a: Tai64n, b: Tai64n): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanoseconds >= b.nanoseconds);
}
