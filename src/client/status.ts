/**
 * Status as data (STYLE item 6): one read of the record, decoded into explicit fields. Unlike
 * go-runit, "normally up" comes from `./down` (as sv does), state comes from byte 19 (a service
 * in `finish` is not running) and byte 18 is "got TERM" (spec other-formats.md section 2).
 */
import { statSync } from 'node:fs';
import { errorCode, RunitError } from '../errors.js';
import { LOG, SERVICE_FILE, SUPERVISE, SUPERVISE_FILE, type SuperviseFileName } from '../protocol/layout.js';
import { isCrashLoop, parseRunStats, type RunStats } from '../protocol/run-stats.js';
import { FLAVOURS, emptyFlavourRecord, type Flavour, type FlavourRecord } from './flavours.js';
import { SuperviseDir } from './supervise-dir.js';
import type { HeldFds } from '../protocol/held-fds.js';
import { dateOf, readBackoff, readHeldFds, readNotes, readRunitReadiness, type BackoffFields, type ServiceNotesFields } from './readiness.js';

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
  isPaused: boolean;
  /** runit writes want-exit as `d`, so it reads as 'down'. */
  want: 'up' | 'down';
  /** runit only (byte 18); always false for daemontools and s6. */
  gotTerm: boolean;
  /** `./down` does not exist. */
  normallyUp: boolean;
  /**
   * Whether the current instance said it is ready: s6's flag, or for runit our `supervise/ready`
   * (docs/extensions.md); undefined when the service declares no readiness (plain runit).
   */
  ready: boolean | undefined;
  /**
   * Our supervisor's run statistics (`supervise/stats`, docs/node-runit.md): restarts, last
   * exit, crash loop. Undefined under real runit, daemontools and s6, which keep none.
   */
  stats?: RunStatistics;
  /** When the current instance became ready (s6's ready stamp, or our `supervise/ready`). */
  readySince: Date | undefined;
  /** runit with `restart-backoff`: the restart being held back, while it is. */
  backoff?: BackoffFields;
  /** runit with `notify-socket`: what the service said about itself (`STATUS=`, `MAINPID=`). */
  notes?: ServiceNotesFields;
  /**
   * runit with `listen` or `fdstore-max`: the sockets the supervisor holds for the service and
   * what it stored (`supervise/fds`), passed to each start from fd 3.
   */
  fds?: HeldFds;
  /** The log service's status, when `log/` is a directory whose status could be read. */
  log?: Status;
  /** Why the log service's status could not be read, when `log/` exists. */
  logError?: RunitError;
}

/** The figures of `supervise/stats`, and whether they amount to a crash loop at the time of the read. */
export interface RunStatistics extends RunStats {
  isCrashLoop: boolean;
}

/** `dir`'s run statistics for a status just read; undefined when there are none or they are unreadable. */
export function readRunStatistics(dir: SuperviseDir, status: Status, nowMillis: number): RunStatistics | undefined {
  let text: string | undefined;
  try {
    text = dir.readStats();
  } catch {
    return undefined; // the figures are an extra: a status without them is still a status
  }
  const stats = text === undefined ? undefined : parseRunStats(text);
  if (stats === undefined) return undefined;
  const uptimeMillis = nowMillis - status.since.getTime();
  return { ...stats, isCrashLoop: isCrashLoop(stats, status.state === 'run', uptimeMillis) };
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
  readRecord(dir: SuperviseDir, checkAlive = true): number {
    const spec = FLAVOURS[this.flavour];
    if (checkAlive) probe(dir, spec.livenessFile);
    let length: number;
    try {
      length = dir.readStatus(this.buffer);
    } catch (error) {
      throw mapIoError(error, dir, 'status');
    }
    if (!spec.decode(this.buffer, length, this.record)) {
      throw new RunitError('ERR_DECODE', `${dir.service}: ${SUPERVISE_FILE.status}: bad format (${length} bytes)`);
    }
    if (this.record.state > 2) {
      throw new RunitError('ERR_DECODE', `${dir.service}: ${SUPERVISE_FILE.status}: unknown state ${this.record.state}`);
    }
    return length;
  }

  /** The raw bytes of the last read (a view, valid until the next read). */
  rawView(length: number): Uint8Array {
    return this.buffer.subarray(0, length);
  }

  read(service: SuperviseDir | string, options: ReadOptions = {}): Status {
    const dir = typeof service === 'string' ? new SuperviseDir(service) : service;
    this.readRecord(dir, options.checkAlive ?? true);
    const nowMillis = options.nowMillis ?? Date.now();
    const status = toStatus(this.record, this.flavour, normallyUp(dir), nowMillis);
    if (this.flavour === 'runit') {
      addExtensions(status, dir, this.record);
      const stats = readRunStatistics(dir, status, nowMillis);
      if (stats !== undefined) status.stats = stats;
    }
    if (options.withLog ?? true) attachLog(status, dir, this.flavour, options);
    return status;
  }
}

function normallyUp(dir: SuperviseDir): boolean {
  try {
    return dir.isNormallyUp();
  } catch (error) {
    throw mapIoError(error, dir, SERVICE_FILE.down);
  }
}

export function toStatus(record: FlavourRecord, flavour: Flavour, isUp: boolean, nowMillis: number): Status {
  const { seconds, nanoseconds } = record.since;
  const uptime = Math.floor(nowMillis / 1000) - seconds;
  return {
    flavour,
    state: STATE_NAMES[record.state] ?? 'down',
    pid: record.pid,
    since: new Date(seconds * 1000 + Math.floor(nanoseconds / 1e6)),
    uptime: uptime < 0 ? 0 : uptime,
    isPaused: record.isPaused,
    want: record.want,
    gotTerm: record.gotTerm,
    normallyUp: isUp,
    ready: record.isReady,
    readySince: record.isReady && record.readySince !== undefined ? dateOf(record.readySince) : undefined,
  };
}

/** Our extension files beside runit's record (docs/extensions.md); a plain service has none. */
export function addExtensions(status: Status, dir: SuperviseDir, record: FlavourRecord): void {
  try {
    const readiness = readRunitReadiness(dir, record);
    status.ready = readiness.ready;
    status.readySince = readiness.readySince;
    const backoff = readBackoff(dir, record);
    if (backoff !== undefined) status.backoff = backoff;
    const notes = record.state === 0 ? undefined : readNotes(dir);
    if (notes !== undefined) status.notes = notes;
    const fds = readHeldFds(dir);
    if (fds !== undefined) status.fds = fds;
  } catch (error) {
    throw mapIoError(error, dir, SUPERVISE);
  }
}

function attachLog(status: Status, dir: SuperviseDir, flavour: Flavour, options: ReadOptions): void {
  const logDir = dir.log();
  try {
    if (!statSync(logDir.service).isDirectory()) return;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
    status.logError = mapIoError(error, dir, LOG);
    return;
  }
  if (!logDir.exists() && flavour !== 'runit') return;
  try {
    status.log = new StatusReader(flavour).read(logDir, { ...options, withLog: false });
  } catch (error) {
    status.logError = error instanceof RunitError ? error : new RunitError('ERR_SYS', String(error), { cause: error });
  }
}

function probe(dir: SuperviseDir, fifo: 'ok' | 'control'): void {
  try {
    dir.probe(fifo);
  } catch (error) {
    throw mapIoError(error, dir, fifo);
  }
}

/**
 * Turns an errno error on one of `supervise/`'s files (or on another file of the service
 * directory, named as it is there) into the library's stable codes.
 */
export function mapIoError(
  error: unknown,
  dir: SuperviseDir,
  file: SuperviseFileName | typeof SERVICE_FILE.down | typeof LOG | typeof SUPERVISE,
): RunitError {
  const service = dir.service;
  const code = errorCode(error);
  if (code === 'ENXIO') {
    return new RunitError('ERR_RUNSV_NOT_RUNNING', `${service}: no supervisor is running`, { cause: error });
  }
  if (code === 'ENOENT' && !dir.exists()) {
    return new RunitError('ERR_NOT_SUPERVISED', `${service}: no supervise directory`, { cause: error });
  }
  const path = file in SUPERVISE_FILE ? SUPERVISE_FILE[file as SuperviseFileName] : file;
  if (code === 'ENOENT' && file in SUPERVISE_FILE) {
    return new RunitError('ERR_NOT_SUPERVISED', `${service}: ${path} does not exist`, { cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new RunitError('ERR_SYS', `${service}: ${path}: ${text}`, { cause: error });
}
