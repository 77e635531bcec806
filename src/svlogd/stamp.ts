/**
 * The three timestamp texts svlogd puts before a line (SVL-9), each followed by one space.
 * The fraction keeps the first five of nine nanosecond digits, as runit truncates it.
 */
import { formatTai64n, type Tai64n } from '../protocol/tai64n.js';

/** 0: none, 1: `-t` TAI64N, 2: `-tt` `YYYY-MM-DD_HH:MM:SS.xxxxx`, 3: `-ttt` with `T`. */
export type StampMode = 0 | 1 | 2 | 3;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The stamp text (with its trailing space) for a line whose first byte arrived at `stamp`. */
export function formatStamp(mode: Exclude<StampMode, 0>, stamp: Tai64n): string {
  if (mode === 1) return `${formatTai64n(stamp)} `;
  const date = new Date(stamp.seconds * 1000);
  const separator = mode === 2 ? '_' : 'T';
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `${separator}${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}` +
    `.${pad(stamp.nanoseconds, 9).slice(0, 5)} `
  );
}
