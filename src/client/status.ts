/**
 * Status as data (STYLE item 6): one read of the record, decoded into explicit fields. Unlike
 * go-runit, "normally up" comes from `./down` (as sv does), state comes from byte 19 (a service
 * in `finish` is not running) and byte 18 is "got TERM" (spec other-formats.md section 2).
 */
import { existsSync, statSync } from 'node:fs';
import { RunitError } from '../errors.js';
import { FLAVOURS, emptyFlavourRecord, type Flavour, type FlavourRecord } from './flavours.js';
import { errnoCode, isNormallyUp, probeFifo, readStatusFile, under } from './supervise-io.js';

export type ServiceState = 'down' | 'run' | 'finish';

/** The decoded status of one service (and of its log service when `log/` exists). */
export interface Status {
  flavour: Flavour;
  state: ServiceState;
  /** The child's pid (during `finish`, the finish script's pid); 0 when none. */
  pid: number;
  /** When the current state was entered (runit: when `./run` started, RSV-8). */
  since: Date;
  /** Whole seconds from `since` to the read, never negative (as sv prints them). */
  uptime: number;
  paused: boolean;
  /** runit writes want-exit as `d`, so it reads as 'down'. */
  want: 'up' | 'down';
  /** runit only (byte 18); always false for daemontools and s6. */
  gotTerm: boolean;
  /** `./down` does not exist. */
  normallyUp: boolean;
  /** s6 only: the service notified readiness. */
  ready: boolean | undefined;
  /** The log service's status, when `log/` is a directory whose status could be read. */
  log?: Status;
  /** Why the log service's status could not be read, when `log/` exists. */
  logError?: RunitError;
}

const STATE_NAMES: readonly ServiceState[] = ['down', 'run', 'finish'];

export interface ReadOptions {
  /** Probe the supervisor first (default true): a stale record of a dead runsv is an error. */
  checkAlive?: boolean;
  /** Also read `log/` (default true). */
  withLog?: boolean;
  /** Wall clock in ms for `uptime` (default Date.now()). */
  nowMillis?: number;
}

/** A reusable buffer and record, so repeated reads (watch, waitFor) allocate no decode state. */
export class StatusReader {
  readonly flavour: Flavour;
  private readonly buffer = new Uint8Array(64);
  readonly record: FlavourRecord = emptyFlavourRecord();

  constructor(flavour: Flavour) {
    this.flavour = flavour;
  }

  /**
   * Reads and decodes `dir`'s record into `this.record`; returns the byte length read. Throws
   * RunitError ERR_NOT_SUPERVISED / ERR_RUNSV_NOT_RUNNING / ERR_DECODE, or ERR_SYS with cause.
   */
  readRecord(dir: string, checkAlive = true): number {
    const spec = FLAVOURS[this.flavour];
    if (checkAlive) probe(dir, spec.livenessFile);
    let length: number;
    try {
      length = readStatusFile(dir, this.buffer);
    } catch (error) {
      throw mapIoError(error, dir, 'supervise/status');
    }
    if (!spec.decode(this.buffer, length, this.record)) {
      throw new RunitError('ERR_DECODE', `${dir}: supervise/status: bad format (${length} bytes)`);
    }
    if (this.record.state > 2) {
      throw new RunitError('ERR_DECODE', `${dir}: supervise/status: unknown state ${this.record.state}`);
    }
    return length;
  }

  /** The raw bytes of the last read (a view, valid until the next read). */
  rawView(length: number): Uint8Array {
    return this.buffer.subarray(0, length);
  }

  read(dir: string, options: ReadOptions = {}): Status {
    this.readRecord(dir, options.checkAlive ?? true);
    const status = toStatus(this.record, this.flavour, normallyUp(dir), options.nowMillis ?? Date.now());
    if (options.withLog ?? true) attachLog(status, dir, this.flavour, options);
    return status;
  }
}

function normallyUp(dir: string): boolean {
  try {
    return isNormallyUp(dir);
  } catch (error) {
    throw mapIoError(error, dir, 'down');
  }
}

export function toStatus(record: FlavourRecord, flavour: Flavour, isUp: boolean, nowMillis: number): Status {
  const uptime = Math.floor(nowMillis / 1000) - record.seconds;
  return {
    flavour,
    state: STATE_NAMES[record.state] ?? 'down',
    pid: record.pid,
    since: new Date(record.seconds * 1000 + Math.floor(record.nanoseconds / 1e6)),
    uptime: uptime < 0 ? 0 : uptime,
    paused: record.isPaused,
    want: record.wantUp ? 'up' : 'down',
    gotTerm: record.gotTerm,
    normallyUp: isUp,
    ready: record.isReady,
  };
}

function attachLog(status: Status, dir: string, flavour: Flavour, options: ReadOptions): void {
  const logDir = under(dir, 'log');
  try {
    if (!statSync(logDir).isDirectory()) return;
  } catch {
    return;
  }
  if (!existsSync(under(logDir, 'supervise')) && flavour !== 'runit') return;
  try {
    status.log = new StatusReader(flavour).read(logDir, { ...options, withLog: false });
  } catch (error) {
    status.logError = error instanceof RunitError ? error : new RunitError('ERR_SYS', String(error), { cause: error });
  }
}

function probe(dir: string, fifo: 'ok' | 'control'): void {
  try {
    probeFifo(dir, fifo);
  } catch (error) {
    throw mapIoError(error, dir, `supervise/${fifo}`);
  }
}

/** Turns an errno error on a supervise file into the library's stable codes. */
export function mapIoError(error: unknown, dir: string, file: string): RunitError {
  const code = errnoCode(error);
  if (code === 'ENXIO') {
    return new RunitError('ERR_RUNSV_NOT_RUNNING', `${dir}: no supervisor is running`, { cause: error });
  }
  if (code === 'ENOENT' && !existsSync(under(dir, 'supervise'))) {
    return new RunitError('ERR_NOT_SUPERVISED', `${dir}: no supervise directory`, { cause: error });
  }
  if (code === 'ENOENT' && file.startsWith('supervise/')) {
    return new RunitError('ERR_NOT_SUPERVISED', `${dir}: ${file} does not exist`, { cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new RunitError('ERR_SYS', `${dir}: ${file}: ${text}`, { cause: error });
}
