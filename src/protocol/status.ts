/**
 * The 20-byte `supervise/status` record (RSV-9). Bytes 0-17 are daemontools' layout, so
 * daemontools' svstat/svc read it too. Pure codec: reading and writing the file is done by the
 * code that owns it.
 */
import { packTai64n, unpackTai64, type Tai64n } from './tai64n.js';

export const STATUS_SIZE = 20;

/** Byte 19. */
export type RunState = 0 | 1 | 2;
export const STATE_DOWN: RunState = 0;
export const STATE_RUN: RunState = 1;
export const STATE_FINISH: RunState = 2;

/** The decoded record, as a fixed-shape object that `unpackStatusInto` can refill. */
export interface StatusRecord {
  /** Unix seconds of the start timestamp (bytes 0-7). */
  seconds: number;
  /** Bytes 8-11. */
  nanoseconds: number;
  /** Bytes 12-15, little-endian; 0 when no child. */
  pid: number;
  /** Byte 16. */
  isPaused: boolean;
  /** Byte 17: `u` when want is up, `d` for down or exit. */
  wantUp: boolean;
  /** Byte 18. */
  gotTerm: boolean;
  /** Byte 19 (0 down, 1 run, 2 finish); other values are kept as read. */
  state: number;
}

export function emptyStatusRecord(): StatusRecord {
  return { seconds: 0, nanoseconds: 0, pid: 0, isPaused: false, wantUp: true, gotTerm: false, state: 0 };
}

export interface StatusFields {
  since: Tai64n;
  pid: number;
  isPaused: boolean;
  want: 'up' | 'down' | 'exit';
  gotTerm: boolean;
  state: RunState;
}

/** Packs a record into `out` (20 bytes) or a new buffer. */
export function packStatus(fields: StatusFields, out: Uint8Array = new Uint8Array(STATUS_SIZE)): Uint8Array {
  packTai64n(fields.since, out, 0);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(12, fields.pid >>> 0, true);
  out[16] = fields.isPaused ? 1 : 0;
  out[17] = fields.want === 'up' ? 0x75 : 0x64;
  out[18] = fields.gotTerm ? 1 : 0;
  out[19] = fields.state;
  return out;
}

/**
 * Decodes the first 20 bytes of `bytes` into `target` without allocating (the hot path of
 * status polling and watch). Returns false when fewer than 20 bytes are given.
 */
export function unpackStatusInto(bytes: Uint8Array, target: StatusRecord): boolean {
  if (bytes.length < STATUS_SIZE) return false;
  target.seconds = unpackTai64(bytes, 0);
  target.nanoseconds = ((bytes[8]! << 24) | (bytes[9]! << 16) | (bytes[10]! << 8) | bytes[11]!) >>> 0;
  target.pid = (bytes[12]! | (bytes[13]! << 8) | (bytes[14]! << 16) | (bytes[15]! << 24)) >>> 0;
  target.isPaused = bytes[16] !== 0;
  target.wantUp = bytes[17] === 0x75;
  target.gotTerm = bytes[18] !== 0;
  target.state = bytes[19]!;
  return true;
}

/** Decodes into a new record; undefined when fewer than 20 bytes are given. */
export function unpackStatus(bytes: Uint8Array): StatusRecord | undefined {
  const record = emptyStatusRecord();
  return unpackStatusInto(bytes, record) ? record : undefined;
}
