/**
 * The three supervisors whose `supervise/` directories the client understands (go-runit's
 * ServiceConfig): runit's 20-byte record, daemontools' 18-byte record and s6's 35- or 43-byte
 * record, with the control bytes each one accepts. Decoders refill a caller-owned record, so
 * status polling allocates nothing (STYLE item 2).
 */
import { CONTROL, type ControlName } from '../protocol/control.js';
import { STATUS_OFFSET, WANT_UP } from '../protocol/layout.js';
import { emptyStatusRecord, readUint32BE, unpackStatusInto, unpackStatusPid, type StatusRecord } from '../protocol/status.js';
import { unpackTai64, type Tai64n } from '../protocol/tai64n.js';

export type Flavour = 'runit' | 'daemontools' | 's6';

/** A control operation of the client, named after sv's commands (RSV-24's bytes). */
export type Operation = ControlName;

/** A decoded record; `state` 0 down, 1 run, 2 finish (s6 "finishing"). */
export interface FlavourRecord extends StatusRecord {
  /** s6 only: the readiness flag; undefined for runit and daemontools. */
  isReady: boolean | undefined;
  /** s6 only: the wait status of the last death. */
  waitStatus: number | undefined;
  /** s6 only: when the service last became ready (bytes 12-23). */
  readySince: Tai64n | undefined;
}

export function emptyFlavourRecord(): FlavourRecord {
  return { ...emptyStatusRecord(), isReady: undefined, waitStatus: undefined, readySince: undefined };
}

export interface FlavourSpec {
  readonly name: Flavour;
  /** Record sizes this flavour writes; the first is the size read from disk. */
  readonly sizes: readonly number[];
  /** daemontools and runit keep `supervise/ok`; s6 does not, so liveness is probed on `control`. */
  readonly livenessFile: 'ok' | 'control';
  readonly controlBytes: Readonly<Partial<Record<Operation, string>>>;
  /** Fills `target` from `bytes[0..length)`; false when the length is not one of `sizes`. */
  decode(bytes: Uint8Array, length: number, target: FlavourRecord): boolean;
}

const RUNIT_BYTES: Readonly<Record<Operation, string>> = CONTROL;

/**
 * Debian's supervise 0.76 knows u d o p c h a i t k x (svc(8)); quit/usr1/usr2 do not exist. Its
 * `x` (like s6's) only makes supervise leave once the service is down, so runit's `x` is `dx`.
 */
const { quit: _quit, usr1: _usr1, usr2: _usr2, ...DAEMONTOOLS_SIGNALS } = CONTROL;
const DAEMONTOOLS_BYTES = { ...DAEMONTOOLS_SIGNALS, exit: 'dx' };

const runit: FlavourSpec = {
  name: 'runit',
  sizes: [20],
  livenessFile: 'ok',
  controlBytes: RUNIT_BYTES,
  decode(bytes, length, target) {
    // sv reads exactly 20 bytes; a longer file is read as its first 20 (SV-5).
    if (length < 20 || !unpackStatusInto(bytes, target)) return false;
    target.isReady = undefined;
    target.waitStatus = undefined;
    return true;
  },
};

/** daemontools 0.76 `supervise`: TAI64N, little-endian pid, paused, want (no state, no TERM flag). */
const daemontools: FlavourSpec = {
  name: 'daemontools',
  sizes: [18],
  livenessFile: 'ok',
  controlBytes: DAEMONTOOLS_BYTES,
  decode(bytes, length, target) {
    if (length < 18) return false;
    // runit's record begins with daemontools' 18 bytes, at the same offsets.
    target.since.seconds = unpackTai64(bytes, STATUS_OFFSET.since);
    target.since.nanoseconds = readUint32BE(bytes, STATUS_OFFSET.nanoseconds);
    target.pid = unpackStatusPid(bytes);
    target.isPaused = bytes[STATUS_OFFSET.paused] !== 0;
    target.want = bytes[STATUS_OFFSET.want] === WANT_UP ? 'up' : 'down';
    target.gotTerm = false;
    target.state = target.pid === 0 ? 0 : 1;
    target.isReady = undefined;
    target.waitStatus = undefined;
    return true;
  },
};

/**
 * s6-supervise: stamp (TAI64N, real TAI with leap seconds), ready stamp, pid u64 BE, then either
 * wstat u16 + flags (35 bytes: s6 <= 2.12 and >= 2.14, Debian 12's 2.11.3.2) or pgid u64 + wstat +
 * flags (43 bytes: 2.13.x). Flags: bit0 paused, bit1 finishing, bit2 want up, bit3 ready.
 */
const s6: FlavourSpec = {
  name: 's6',
  sizes: [35, 43],
  livenessFile: 'control',
  controlBytes: { ...RUNIT_BYTES, exit: 'dx' },
  decode(bytes, length, target) {
    let tail: number;
    if (length === 35) tail = 32;
    else if (length === 43) tail = 40;
    else return false;
    target.since.seconds = unpackTai64(bytes, 0) - leapSecondsAt(unpackTai64(bytes, 0) - 10);
    target.since.nanoseconds = readUint32BE(bytes, 8);
    // pids fit in 32 bits on Linux; the high word is read so a corrupt record does not pass.
    target.pid = readUint32BE(bytes, 24) * 0x100000000 + readUint32BE(bytes, 28);
    const flags = bytes[tail + 2]!;
    target.waitStatus = (bytes[tail]! << 8) | bytes[tail + 1]!;
    target.isPaused = (flags & 1) !== 0;
    target.want = (flags & 4) !== 0 ? 'up' : 'down';
    target.isReady = (flags & 8) !== 0;
    // The ready stamp is skalibs' TAI too; refilled in place, as `since` is.
    const readySeconds = unpackTai64(bytes, 12);
    target.readySince ??= { seconds: 0, nanoseconds: 0 };
    target.readySince.seconds = readySeconds - leapSecondsAt(readySeconds - 10);
    target.readySince.nanoseconds = readUint32BE(bytes, 20);
    target.gotTerm = false;
    target.state = (flags & 2) !== 0 ? 2 : target.pid === 0 ? 0 : 1;
    return true;
  },
};

export const FLAVOURS: Readonly<Record<Flavour, FlavourSpec>> = { runit, daemontools, s6 };

/**
 * skalibs stamps real TAI (TAI-UTC = 10 + leap seconds), where runit and daemontools add a flat
 * 10. Unix times at which a leap second had just been inserted (IERS Bulletin C list).
 */
const LEAP_SECOND_STARTS = [
  78796800, 94694400, 126230400, 157766400, 189302400, 220924800, 252460800, 283996800, 315532800,
  362793600, 394329600, 425865600, 489024000, 567993600, 631152000, 662688000, 709948800, 741484800,
  773020800, 820454400, 867715200, 915148800, 1136073600, 1230768000, 1341100800, 1435708800,
  1483228800,
];

/** Leap seconds to subtract from a TAI-minus-10 count to reach Unix seconds. */
function leapSecondsAt(taiMinus10: number): number {
  let leaps = 0;
  for (const start of LEAP_SECOND_STARTS) {
    if (taiMinus10 - (leaps + 1) >= start) leaps++;
    else break;
  }
  return leaps;
}
