/**
 * One log directory (SVL-3, SVL-5, SVL-19): lock, config, `current` and its processor. Its
 * state changes only through its methods; rotation and the flush that rotates at the planned
 * marks drive it from rotate.ts. Paths are absolute; messages name the directory as given.
 */
import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { errorText } from '../errors.js';
import { flock, LOCK_EX, LOCK_NB } from '../sys/index.js';
import { defaultConfig, parseConfig, type DirConfig } from './config.js';
import { DirHandle } from './dir-context.js';
import { DirOutput } from './dir-output.js';
import { withError, type Job } from './jobs.js';
import { freeSpace, newLogName, prune } from './log-files.js';
import { APPEND_FLAGS, READ_FLAGS } from './open-flags.js';
import { Processor } from './processor.js';

export class LogDir extends DirHandle {
  /** The bytes planned for `current`; the router appends, the flush writes them out. */
  readonly output: DirOutput = new DirOutput();
  readonly processor: Processor = new Processor(this);
  #config: DirConfig = defaultConfig();
  #isOpen = false;
  private fdCurrent = -1;
  private fdLock = -1;
  #size = 0;
  #rotateAt = 0;

  get config(): Readonly<DirConfig> {
    return this.#config;
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  /** Bytes in `current` on disk. */
  get size(): number {
    return this.#size;
  }

  /** Monotonic deadline of the next timed rotation (0 = none). */
  get rotateAt(): number {
    return this.#rotateAt;
  }

  /** logdir_open: false when the directory is skipped (a warning says why). */
  *open(): Job<boolean> {
    this.processor.forget();
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
      this.fdLock = this.openFile('lock', APPEND_FLAGS, 0o600);
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
    this.#config = defaultConfig();
    this.#rotateAt = 0;
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
    this.#config = parseConfig(data, (m0, m1) => this.warn(`${m0}: ${m1}`));
    if (this.config.rotateSeconds > 0) {
      this.#rotateAt = this.ctx.clock.monotonicMillis() + this.config.rotateSeconds * 1000;
    }
  }

  private *openCurrent(): Job<boolean> {
    let isNew = true;
    this.#size = 0;
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
        yield* prune(this, this.config.countMax);
      } else {
        this.#size = st.size;
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
    this.#isOpen = true;
    this.info(`${isNew ? 'new' : 'append'}: ${this.name}/current`);
    return true;
  }

  /** append-open `current`, then mode 0644 (it becomes 0744 only when closed cleanly). */
  private *createCurrent(m0: string): Job<number> {
    let fd: number;
    for (;;) {
      try {
        fd = this.openFile('current', APPEND_FLAGS, 0o600);
        break;
      } catch (error) {
        yield this.pause(m0, error);
      }
    }
    yield* this.retry(() => fchmodSync(fd, 0o644), 'unable to set mode of current');
    return fd;
  }

  /** fsync, mark clean (0744), close: what rotation and close do to `current`. */
  private *sealCurrent(): Job {
    const fd = this.fdCurrent;
    yield* this.retry(() => fsyncSync(fd), 'unable to fsync current logfile');
    yield* this.retry(() => fchmodSync(fd, 0o744), 'unable to set mode of current');
    closeSync(fd);
    this.fdCurrent = -1;
  }

  /** The file part of a rotation: `current` (sealed) becomes `name`, a new one starts empty. */
  *replaceCurrent(name: string): Job {
    const size = this.size;
    yield* this.sealCurrent();
    this.info(`rename: ${this.name}/current ${name} ${size}`);
    yield* this.retry(() => renameSync(this.file('current'), this.file(name)), 'unable to rename current');
    this.fdCurrent = yield* this.createCurrent('unable to create new current');
    this.#size = 0;
  }

  /** A rotation restarts an expired `t` timer; a closed directory has none. */
  restartTimer(): void {
    if (!this.isOpen) {
      this.#rotateAt = 0;
      return;
    }
    const now = this.ctx.clock.monotonicMillis();
    const seconds = this.config.rotateSeconds;
    if (seconds > 0 && this.rotateAt <= now) this.#rotateAt = now + seconds * 1000;
  }

  /** logdir_close (SVL-19), once the planned output is written. */
  *close(): Job {
    if (!this.isOpen) return;
    this.#isOpen = false;
    yield* this.sealCurrent();
    this.closeLock();
    this.#config.processor = undefined;
    this.#rotateAt = 0;
  }

  private closeLock(): void {
    if (this.fdLock !== -1) closeSync(this.fdLock);
    this.fdLock = -1;
  }

  /** One write(2) to `current`; on failure, frees space (SVL-16) or pauses and retries. */
  *write(buf: Buffer, from: number, to: number): Job<number> {
    for (;;) {
      try {
        const count = writeSync(this.fdCurrent, buf, from, to - from);
        this.#size += count;
        return count;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EINTR' || code === 'EAGAIN') continue;
        const { countMin, countMax } = this.config;
        if (code === 'ENOSPC' && countMin < countMax && freeSpace(this, countMin)) continue;
        yield this.pause('unable to write to current', error);
      }
    }
  }
}
