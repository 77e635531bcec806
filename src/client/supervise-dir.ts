/**
 * The reading side of runit's service directory: the few system calls a client (Client, watch,
 * sv, runsvdir, DevTree) makes on someone else's `supervise/`, synchronous and non-blocking, with
 * the errno left on the thrown error so `sv` can print runit's words and the Client can map it
 * to a RunitError. Every open is O_NONBLOCK: a FIFO with no reader fails with ENXIO instead of
 * hanging (RSV-5, RSV-6). The writing side is runsv's own (runsv/supervise-files.ts).
 */
import { closeSync, constants, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { errorCode } from '../errors.js';
import { EXTENSION_FILE, LOG, SERVICE_FILE, SUPERVISE, SUPERVISE_FILE, type SuperviseFileName } from '../protocol/layout.js';
import { parseNotificationFd } from '../protocol/readiness.js';
import { isTornRunStatsRecord } from '../protocol/run-stats.js';
import { parsePid } from '../protocol/status.js';
import { fsPath } from '../sys/byte-names.js';

const WRITE_OPEN = constants.O_WRONLY | constants.O_NONBLOCK;
const READ_OPEN = constants.O_RDONLY | constants.O_NONBLOCK;
/** Reads of `supervise/stats` before a reader gives up on a record that never settles. */
const STATS_READ_ATTEMPTS = 50;

/** A service directory, as a reader of its `supervise/` sees it. */
export class SuperviseDir {
  /**
   * The service directory as given; '' and '.' mean the current directory (sv works there). A
   * name string (sys/byte-names.ts): its bytes need not be UTF-8.
   */
  readonly service: string;

  constructor(service: string) {
    this.service = service;
  }

  /** The log service's directory (`log/`), which has a `supervise/` of its own. */
  log(): SuperviseDir {
    return new SuperviseDir(this.path(LOG));
  }

  /** `name` inside the service directory, kept relative when that is the current directory. */
  path(name: string): string {
    const dir = this.service;
    return dir === '' || dir === '.' ? name : `${dir}/${name}`;
  }

  /** The path of one of `supervise/`'s files. */
  file(name: SuperviseFileName): string {
    return this.path(SUPERVISE_FILE[name]);
  }

  /** Whether `supervise/` exists at all (a supervisor ran here once). */
  exists(): boolean {
    return existsSync(fsPath(this.path(SUPERVISE)));
  }

  /**
   * Write-opens `supervise/<fifo>` and closes it again: succeeds iff a supervisor holds the FIFO
   * open for reading (RSV-5). Throws the errno error (ENXIO: no supervisor; ENOENT: never ran).
   */
  probe(fifo: 'ok' | 'control'): void {
    closeSync(openSync(fsPath(this.file(fifo)), WRITE_OPEN));
  }

  /**
   * `probe('ok')` as a boolean: false while no supervisor holds it (ENXIO) or none ever ran here
   * (ENOENT); any other error is thrown, not taken for "not supervised".
   */
  isSupervised(): boolean {
    try {
      this.probe('ok');
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENXIO' || code === 'ENOENT') return false;
      throw error;
    }
  }

  /**
   * Reads the status record with one read(2) of up to `buffer.length` bytes, as sv does (SV-5).
   * Returns the byte count; the caller decides whether it is a valid size.
   */
  readStatus(buffer: Uint8Array): number {
    const fd = openSync(fsPath(this.file('status')), READ_OPEN);
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Opens `supervise/control` O_WRONLY|O_NONBLOCK, writes `bytes` in a single write(2) and
   * closes it (SV-8). Never blocks: no reader gives ENXIO, a full pipe gives EAGAIN. Returns the
   * count written, which the caller compares with the length (a short write is an error for sv).
   */
  writeControl(bytes: string): number {
    const fd = openSync(fsPath(this.file('control')), WRITE_OPEN);
    try {
      return writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * sv's "normally up": `down` does not exist (SV-6). Throws for stat errors other than ENOENT,
   * which sv reports as a warning.
   */
  isNormallyUp(): boolean {
    try {
      statSync(fsPath(this.path(SERVICE_FILE.down)));
      return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
  }

  /**
   * The text of our `supervise/stats` (protocol/run-stats.ts); undefined where there is none (real
   * runit). The supervisor rewrites it in place, so a read can overlap a write: it is read until
   * two reads in a row give the same whole record (a torn one shows different sequence numbers at
   * its two ends). A writer that never lets it settle leaves the last text read, which then parses
   * as no stats.
   */
  readStats(): string | undefined {
    let text = this.#readStatsOnce();
    for (let attempt = 0; attempt < STATS_READ_ATTEMPTS && text !== undefined; attempt++) {
      const again = this.#readStatsOnce();
      if (again === text && !isTornRunStatsRecord(text)) return text;
      text = again;
    }
    return text;
  }

  #readStatsOnce(): string | undefined {
    try {
      return readFileSync(this.file('stats'), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  /** The pid `supervise/pid` names (RSV-11); undefined when it names none or does not exist. */
  readPid(): number | undefined {
    let text: string;
    try {
      text = readFileSync(fsPath(this.file('pid')), 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parsePid(text);
  }

  /**
   * Whether the service says when it is ready (docs/extensions.md): a usable `notification-fd`
   * or a `notify-socket`, read as the supervisor reads them.
   */
  declaresReadiness(): boolean {
    if (existsSync(this.path(EXTENSION_FILE.notifySocket))) return true;
    try {
      return parseNotificationFd(readFileSync(this.path(EXTENSION_FILE.notificationFd), 'latin1')) !== undefined;
    } catch {
      return false;
    }
  }

  /** One of our extension state files (`ready`, `backoff`, `notes`, `fds`); undefined when absent. */
  readExtension(name: 'ready' | 'backoff' | 'notes' | 'fds', encoding: BufferEncoding = 'latin1'): string | undefined {
    try {
      return readFileSync(this.file(name), encoding);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
