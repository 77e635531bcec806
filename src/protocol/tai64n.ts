/**
 * TAI64 / TAI64N as runit writes them (GEN-5): label = 2^62 + 10 + Unix seconds, no leap-second
 * table; the nanoseconds field is microseconds * 1000 + 500.
 */

/** A point in time at runit's resolution. */
export interface Tai64n {
  /** Unix seconds. */
  seconds: number;
  /** 0..999999999; runit's own stamps always end in 500. */
  nanoseconds: number;
}

/**
 * The TAI64 label of Unix second 0 as runit counts: 2^62 plus a flat 10 s of TAI-UTC. The
 * number arithmetic below splits it into TAI_HIGH_BASE (2^62 / 2^32) and TAI_OFFSET; this exact
 * form is for code that works on whole 64-bit labels.
 */
export const TAI64_BASE: bigint = 2n ** 62n + 10n;

const TAI_HIGH_BASE = 0x40000000;
const TWO_32 = 0x100000000;
const TAI_OFFSET = 10;

/** The stamp runit takes from gettimeofday(): a wall clock in (fractional) milliseconds. */
export function tai64nFromMillis(wallMillis: number): Tai64n {
  const micros = Math.floor(wallMillis * 1000);
  const seconds = Math.floor(micros / 1e6);
  return { seconds, nanoseconds: (micros - seconds * 1e6) * 1000 + 500 };
}

/** Writes the 8-byte TAI64 label of `seconds` big-endian at `offset`. */
export function packTai64(seconds: number, buffer: Uint8Array, offset: number): void {
  const label = seconds + TAI_OFFSET;
  const high = TAI_HIGH_BASE + Math.floor(label / TWO_32);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint32(offset, high);
  view.setUint32(offset + 4, label - Math.floor(label / TWO_32) * TWO_32);
}

/**
 * Reads an 8-byte TAI64 label as Unix seconds. Plain byte arithmetic rather than a DataView, so
 * status decoding (unpackStatusInto) allocates nothing.
 */
export function unpackTai64(buffer: Uint8Array, offset: number): number {
  const high = ((buffer[offset]! << 24) | (buffer[offset + 1]! << 16) | (buffer[offset + 2]! << 8) | buffer[offset + 3]!) >>> 0;
  const low = ((buffer[offset + 4]! << 24) | (buffer[offset + 5]! << 16) | (buffer[offset + 6]! << 8) | buffer[offset + 7]!) >>> 0;
  return (high - TAI_HIGH_BASE) * TWO_32 + low - TAI_OFFSET;
}

/** Writes the 12-byte TAI64N form at `offset`. */
export function packTai64n(stamp: Tai64n, buffer: Uint8Array, offset: number): void {
  packTai64(stamp.seconds, buffer, offset);
  new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).setUint32(offset + 8, stamp.nanoseconds);
}

export function unpackTai64n(buffer: Uint8Array, offset: number): Tai64n {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { seconds: unpackTai64(buffer, offset), nanoseconds: view.getUint32(offset + 8) };
}

/** Length of the external form: `@` + 24 hex digits. */
export const TAI64N_TEXT_LENGTH = 25;

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** Eight lowercase hex digits of a 32-bit value at `at`. */
function putHex32(value: number, target: Uint8Array, at: number): void {
  for (let i = 7; i >= 0; i--) {
    target[at + i] = HEX_DIGITS[value & 15]!;
    value >>>= 4;
  }
}

/**
 * Writes the external form (`@` + 24 lowercase hex digits, 25 bytes of ASCII) at `offset`.
 * Straight from the numbers, allocating nothing: svlogd stamps every read chunk with it.
 */
export function writeTai64nText(stamp: Tai64n, target: Uint8Array, offset: number): void {
  const label = stamp.seconds + TAI_OFFSET;
  const high = Math.floor(label / TWO_32);
  target[offset] = 0x40;
  putHex32(TAI_HIGH_BASE + high, target, offset + 1);
  putHex32(label - high * TWO_32, target, offset + 9);
  putHex32(stamp.nanoseconds, target, offset + 17);
}

const textScratch = new Uint8Array(TAI64N_TEXT_LENGTH);

/** External form: `@` + 24 lowercase hex digits (25 characters). */
export function formatTai64n(stamp: Tai64n): string {
  writeTai64nText(stamp, textScratch, 0);
  return String.fromCharCode(...textScratch);
}

const EXTERNAL_TAI64N = /^@([0-9a-f]{24})$/i;

/** Parses the external form; undefined when it is not one. */
export function parseTai64n(text: string): Tai64n | undefined {
  const match = EXTERNAL_TAI64N.exec(text);
  if (match === null || match[1] === undefined) return undefined;
  const bytes = new Uint8Array(12);
  for (let i = 0; i < 12; i++) bytes[i] = Number.parseInt(match[1].slice(i * 2, i * 2 + 2), 16);
  return unpackTai64n(bytes, 0);
}

/** The exact 64-bit TAI64 label of Unix `seconds`, as sv compares labels (SV-6). */
export function tai64Label(seconds: number): bigint {
  return TAI64_BASE + BigInt(seconds);
}
