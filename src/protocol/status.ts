/**
 * The 20-byte `supervise/status` record (RSV-9) and the `stat`/`pid` texts beside it (RSV-10,
 * RSV-11). One record type both ways, so `unpackStatus(packStatus(x))` deep-equals `x`. Pure
 * codec: reading and writing the files is done by the code that owns each side.
 */
import {
  STATE_DOWN,
  STATE_FINISH,
  STATE_RUN,
  STATUS_OFFSET,
  STATUS_SIZE,
  WANT_DOWN,
  WANT_UP,
  type RunState,
} from './layout.js';
import { packTai64n, unpackTai64, type Tai64n } from './tai64n.js';

export { STATE_DOWN, STATE_FINISH, STATE_RUN, STATUS_SIZE, type RunState };

/** The decoded record, a fixed-shape object that `unpackStatusInto` can refill. */
export interface StatusRecord {
  /** When the current state was entered (bytes 0-11). */
  since: Tai64n;
  /** Bytes 12-15, little-endian; 0 when no child. */
  pid: number;
  /** Byte 16. */
  isPaused: boolean;
  /** Byte 17: runsv writes want-exit as `d`, so a record only ever says up or down. */
  want: 'up' | 'down';
  /** Byte 18. */
  gotTerm: boolean;
  /** Byte 19 (0 down, 1 run, 2 finish); other values are kept as read. */
  state: number;
}

export function emptyStatusRecord(): StatusRecord {
  return { since: { seconds: 0, nanoseconds: 0 }, pid: 0, isPaused: false, want: 'up', gotTerm: false, state: STATE_DOWN };
}

/** Packs a record into `out` (20 bytes) or a new buffer. */
export function packStatus(record: StatusRecord, out: Uint8Array = new Uint8Array(STATUS_SIZE)): Uint8Array {
  packTai64n(record.since, out, STATUS_OFFSET.since);
  const pid = record.pid >>> 0;
  out[STATUS_OFFSET.pid] = pid & 0xff;
  out[STATUS_OFFSET.pid + 1] = (pid >>> 8) & 0xff;
  out[STATUS_OFFSET.pid + 2] = (pid >>> 16) & 0xff;
  out[STATUS_OFFSET.pid + 3] = pid >>> 24;
  out[STATUS_OFFSET.paused] = record.isPaused ? 1 : 0;
  out[STATUS_OFFSET.want] = record.want === 'up' ? WANT_UP : WANT_DOWN;
  out[STATUS_OFFSET.gotTerm] = record.gotTerm ? 1 : 0;
  out[STATUS_OFFSET.state] = record.state;
  return out;
}

/**
 * Decodes the first 20 bytes of `bytes` into `target` without allocating (the hot path of
 * status polling and watch). Returns false when fewer than 20 bytes are given.
 */
export function unpackStatusInto(bytes: Uint8Array, target: StatusRecord): boolean {
  if (bytes.length < STATUS_SIZE) return false;
  target.since.seconds = unpackTai64(bytes, STATUS_OFFSET.since);
  target.since.nanoseconds = readUint32BE(bytes, STATUS_OFFSET.nanoseconds);
  target.pid = unpackStatusPid(bytes);
  target.isPaused = bytes[STATUS_OFFSET.paused] !== 0;
  target.want = bytes[STATUS_OFFSET.want] === WANT_UP ? 'up' : 'down';
  target.gotTerm = bytes[STATUS_OFFSET.gotTerm] !== 0;
  target.state = bytes[STATUS_OFFSET.state]!;
  return true;
}

/** Decodes into a new record; undefined when fewer than 20 bytes are given. */
export function unpackStatus(bytes: Uint8Array): StatusRecord | undefined {
  const record = emptyStatusRecord();
  return unpackStatusInto(bytes, record) ? record : undefined;
}

/** The little-endian pid of bytes 12-15; daemontools' 18-byte record has it at the same place. */
export function unpackStatusPid(bytes: Uint8Array): number {
  const at = STATUS_OFFSET.pid;
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * The TAI64 label of bytes 0-7, exact: sv compares it with now's label as 64-bit integers, and a
 * garbage record can hold a label no double represents (SV-6).
 */
export function unpackStatusLabel(bytes: Uint8Array): bigint {
  return (BigInt(readUint32BE(bytes, STATUS_OFFSET.since)) << 32n) | BigInt(readUint32BE(bytes, STATUS_OFFSET.since + 4));
}

export function readUint32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

const STATE_WORD = ['down', 'run', 'finish'] as const;

/** `supervise/stat` (RSV-10): the state, then paused, got TERM and a want that differs. */
export function formatStat(state: RunState, isPaused: boolean, gotTerm: boolean, want: 'up' | 'down' | 'exit'): string {
  let text: string = STATE_WORD[state];
  if (isPaused) text += ', paused';
  if (gotTerm) text += ', got TERM';
  if (state !== STATE_DOWN) {
    if (want === 'down') text += ', want down';
    else if (want === 'exit') text += ', want exit';
  }
  return `${text}\n`;
}

/** `supervise/pid` (RSV-11): `9525\n` while a child runs; an empty file when there is none. */
export function formatPid(pid: number): string {
  return pid === 0 ? '' : `${pid}\n`;
}

/** The pid a `supervise/pid` text names; undefined when it names none. */
export function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text, 10);
  return pid > 0 ? pid : undefined;
}
