/**
 * One log directory (SVL-3, SVL-5, SVL-19): lock, config, `current`, and the writer that
 * puts the planned output on disk. Paths are absolute (no chdir: the engine may share its
 * process with other services); messages name the directory as the user gave it.
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { errorText } from '../errors.js';
import { flock, LOCK_EX, LOCK_NB } from '../sys/index.js';
import { defaultConfig, parseConfig, type DirConfig } from './config.js';
import { DirOutput } from './dir-output.js';
import { INFO, pauseFor, WARNING, withError, type Job, type MessageSink, type Wait } from './jobs.js';
import type { ProcessorRun } from './processor.js';
import { freeSpace, newLogName, prune, rotate } from './rotate.js';

const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_APPEND, O_CREAT } = constants;
export const APPEND_FLAGS = O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT;
export const READ_FLAGS = O_RDONLY | O_NONBLOCK;

/** What every directory shares with the engine. */
export interface DirContext {
  clock: Clock;
  verbose: boolean;
  lineMax: number;
  message: MessageSink;
  /** The processors' fd 2 (svlogd's stderr). */
  processorStderr: number;
  environment: NodeJS.ProcessEnv;
  /** Called when a processor of this directory has exited. */
  processorExited(dir: LogDir, run: ProcessorRun): void;
}

export class LogDir {
  config: DirConfig = defaultConfig();
  isOpen = false;
  fdCurrent = -1;
  private fdLock = -1;
  /** Bytes in `current` on disk. */
  size = 0;
  readonly output = new DirOutput();
  processor: ProcessorRun | undefined;
  /** Monotonic deadline of the next timed rotation (0 = none). */
  rotateAt = 0;
  /** The stderr selection of the last line; runit keeps it even when the patterns go away. */
  matchErr = 0;
  /** Whether the line being read goes to this directory (for a long line's remainder). */
  selected = false;

  readonly name: string;
  readonly path: string;
  readonly ctx: DirContext;

  constructor(name: string, path: string, ctx: DirContext) {
    this.name = name;
    this.path = path;
    this.ctx = ctx;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  warn(text: string): void {
    this.ctx.message(`${WARNING}${text}\n`);
  }

  info(text: string): void {
    if (this.ctx.verbose) this.ctx.message(`${INFO}${text}\n`);
  }

  pause(m0: string, error: unknown): Wait {
    return pauseFor(this.ctx.clock, this.ctx.message, withError(m0, this.name, error));
  }

  /** logdir_open: false when the directory is skipped (a warning says why). */
  *open(): Job<boolean> {
    this.processor = undefined;
    try {
      const fd = openSync(this.path, READ_FLAGS);
      const isDir = fstatSync(fd).isDirectory();
      closeSync(fd);
      if (!isDir) {
        this.warn(`unable to change directory: ${this.name}: ${errorText({ code: 'ENOTDIR' })}`);
        return false;
      }
    } catch (error) {
      this.warn(withError('unable to open log directory', this.name, error));
      return false;
    }
    try {
      this.fdLock = openSync(this.file('lock'), APPEND_FLAGS, 0o600);
      flock(this.fdLock, LOCK_EX | LOCK_NB);
    } catch (error) {
      this.closeLock();
      this.warn(withError('unable to lock directory', this.name, error));
      return false;
    }
    this.readConfig();
    return yield* this.openCurrent();
  }

  private readConfig(): void {
    this.config = defaultConfig();
    this.rotateAt = 0;
    let data: Buffer;
    try {
      data = readFileSync(this.file('config'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.warn(withError('unable to read config', this.name, error));
      }
      return;
    }
    this.info(`read: ${this.name}/config`);
    this.config = parseConfig(data, (m0, m1) => this.warn(`${m0}: ${m1}`));
    if (this.config.rotateSeconds > 0) {
      this.rotateAt = this.ctx.clock.monotonicMillis() + this.config.rotateSeconds * 1000;
    }
  }

  private *openCurrent(): Job<boolean> {
    let isNew = true;
    this.size = 0;
    try {
      const st = statSync(this.file('current'));
      if (st.size > 0 && (st.mode & 0o100) === 0) {
        // Not closed cleanly: keep it as an unprocessed file and start afresh (SVL-3 step 5).
        const name = newLogName(this, '.u');
        for (;;) {
          try {
            renameSync(this.file('current'), this.file(name));
            break;
          } catch (error) {
            yield this.pause('unable to rename current', error);
          }
        }
        yield* prune(this);
      } else {
        this.size = st.size;
        isNew = false;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.closeLock();
        this.warn(withError('unable to stat current', this.name, error));
        return false;
      }
    }
    this.fdCurrent = yield* this.createCurrent('unable to open current');
    this.output.reset(this.config.sizeMax, this.ctx.lineMax, this.size);
    this.isOpen = true;
    this.info(`${isNew ? 'new' : 'append'}: ${this.name}/current`);
    return true;
  }

  /** append-open `current`, then mode 0644 (it becomes 0744 only when closed cleanly). */
  *createCurrent(m0: string): Job<number> {
    let fd: number;
    for (;;) {
      try {
        fd = openSync(this.file('current'), APPEND_FLAGS, 0o600);
        break;
      } catch (error) {
        yield this.pause(m0, error);
      }
    }
    yield* this.retry(() => fchmodSync(fd, 0o644), 'unable to set mode of current');
    return fd;
  }

  /** Runs `op` until it succeeds, pausing 3 s after each failure with `m0: DIR: ERR`. */
  *retry<T>(op: () => T, m0: string): Job<T> {
    for (;;) {
      try {
        return op();
      } catch (error) {
        yield this.pause(m0, error);
      }
    }
  }

  /** fsync, mark clean (0744), close: what rotation and close do to `current`. */
  *sealCurrent(): Job {
    const fd = this.fdCurrent;
    yield* this.retry(() => fsyncSync(fd), 'unable to fsync current logfile');
    yield* this.retry(() => fchmodSync(fd, 0o744), 'unable to set mode of current');
    closeSync(fd);
    this.fdCurrent = -1;
  }

  /** logdir_close (SVL-19). */
  *close(): Job {
    if (!this.isOpen) return;
    this.info(`close: ${this.name}`);
    yield* this.flush();
    this.isOpen = false;
    yield* this.sealCurrent();
    this.closeLock();
    this.config.processor = undefined;
    this.rotateAt = 0;
  }

  private closeLock(): void {
    if (this.fdLock !== -1) closeSync(this.fdLock);
    this.fdLock = -1;
  }

  /** Writes the planned output, rotating at the planned points (SVL-13). */
  *flush(): Job {
    const out = this.output;
    let written = 0;
    let mark = 0;
    while (written < out.length || mark < out.marks.length) {
      const stop = mark < out.marks.length ? out.marks[mark]! : out.length;
      if (written < stop) {
        written += yield* this.write(out.buf, written, stop);
      } else {
        mark++;
        yield* rotate(this);
      }
    }
    out.clear();
  }

  /** One write(2) to `current`; on failure, frees space (SVL-16) or pauses and retries. */
  private *write(buf: Buffer, from: number, to: number): Job<number> {
    for (;;) {
      try {
        const count = writeSync(this.fdCurrent, buf, from, to - from);
        this.size += count;
        return count;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EINTR' || code === 'EAGAIN') continue;
        if (code === 'ENOSPC' && this.config.countMin < this.config.countMax && freeSpace(this)) continue;
        yield this.pause('unable to write to current', error);
      }
    }
  }
}
