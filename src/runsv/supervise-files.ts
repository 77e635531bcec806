/**
 * The writing side of runit's service directory: the `supervise/` a runsv owns (RSV-3..RSV-6,
 * RSV-13). It is created (or a dangling `supervise` symlink's target), locked, its FIFOs made and
 * held, and its status files written through `.new` + rename so a reader never sees half a
 * record. Every descriptor taken is kept here, so a process that runs many Supervisors gives all of them back.
 * The reading side, for everyone else, is client/supervise-dir.ts.
 */
import { closeSync, constants, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, errorText } from '../errors.js';
import { MODE, NEW_SUFFIX, SUPERVISE, SUPERVISE_FILE, type SuperviseFileName } from '../protocol/layout.js';
import { flock, flockWait, LOCK_EX, LOCK_NB, mkfifo } from '../sys/index.js';
import { openControlFifo, type ControlFifo } from './control-fifo.js';
import { SupervisorStartError } from './errors.js';
import type { StatusFiles } from './record.js';

/** The state files of our extensions, written beside runit's status files. */
export type ExtensionStateFile = 'ready' | 'backoff' | 'notes' | 'fds';

const APPEND_OPEN = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND | constants.O_CREAT;
const TRUNC_OPEN = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_TRUNC | constants.O_CREAT;
const MAX_LINK_TARGET = 255;

/** runit's start-up failure: runsv prints it after `fatal: ` and exits 111 (RSV-32). */
function fatal(text: string, cause?: unknown): never {
  throw new SupervisorStartError(cause === undefined ? text : `${text}: ${errorText(cause)}`, { cause });
}

export class SuperviseFiles {
  /** The service (or log service) directory, absolute. */
  readonly #root: string;
  /** '' for the service, 'log/' for its log service: how runit's messages name the files. */
  readonly #label: string;
  readonly #fds: number[] = [];
  #control: ControlFifo | undefined;
  /** `supervise/stats`, held open after its first record for writes in place. */
  #statsFd: number | undefined;
  /** Warnings of status writes, after `runsv NAME: warning: ` (RSV-13). */
  readonly #warn: (text: string) => void;

  constructor(root: string, label: '' | 'log/', warn: (text: string) => void) {
    this.#root = root;
    this.#label = label;
    this.#warn = warn;
  }

  #path(name: SuperviseFileName): string {
    return join(this.#root, SUPERVISE_FILE[name]);
  }

  /** How runit's messages spell one of the files: `supervise/lock`, `log/supervise/lock`. */
  #named(name: SuperviseFileName): string {
    return `${this.#label}${SUPERVISE_FILE[name]}`;
  }

  /** RSV-3 steps 5/7: mkdir supervise, or the target of a (dangling) supervise symlink. */
  make(): void {
    const path = join(this.#root, SUPERVISE);
    try {
      mkdirSync(path, MODE.superviseDir);
      return;
    } catch {
      // runsv looks no further than readlink: whatever the mkdir error, the lock open judges it.
    }
    let target: string;
    try {
      target = readlinkSync(path);
    } catch (error) {
      // EINVAL: not a symlink; ENOENT: nothing there. Both carry on to the lock open.
      const code = errorCode(error);
      if (code === 'EINVAL' || code === 'ENOENT') return;
      fatal(`unable to readlink ./${this.#label}${SUPERVISE}`, error);
    }
    if (Buffer.byteLength(target) > MAX_LINK_TARGET) fatal(`unable to readlink ./${this.#label}${SUPERVISE}: name too long`);
    try {
      // Not path.resolve: it would fold `..` by text, where the kernel must take it from the
      // directory itself (the root may be /proc/self/fd/N).
      mkdirSync(target.startsWith('/') ? target : `${this.#root}/${target}`, MODE.superviseDir);
    } catch {
      // runsv ignores this result: the lock open below reports what matters
    }
  }

  /** RSV-4: opens `supervise/lock`; flock is taken by `lock()` or `lockWhenFree()`. */
  #openLock(): number {
    let fd: number;
    try {
      fd = openSync(this.#path('lock'), APPEND_OPEN, MODE.lock);
    } catch (error) {
      fatal(`unable to open ${this.#named('lock')}`, error);
    }
    this.#fds.push(fd);
    return fd;
  }

  /** The service's lock: another runsv holding it is fatal (RSV-4). */
  lock(): void {
    const fd = this.#openLock();
    try {
      flock(fd, LOCK_EX | LOCK_NB);
    } catch (error) {
      fatal(`unable to lock ${this.#named('lock')}`, error);
    }
  }

  /** The log service's lock: runsv waits for it rather than failing (RSV-3 step 7). */
  async lockWhenFree(): Promise<void> {
    const fd = this.#openLock();
    try {
      await flockWait(fd, LOCK_EX);
    } catch (error) {
      fatal(`unable to lock ${this.#named('lock')}`, error);
    }
  }

  /**
   * runsv ignores mkfifo's result (RSV-3 steps 8, 11): EEXIST reuses an earlier runsv's FIFO, and
   * any other failure shows in the stat or open that follows, with runit's message for that step.
   */
  #makeFifo(name: 'control' | 'ok'): string {
    const path = this.#path(name);
    try {
      mkfifo(path, MODE.fifo);
    } catch {
      // judged by the caller's next call, as above
    }
    return path;
  }

  /** RSV-24: `supervise/control`, held open both ways; each read's bytes go to `onBytes` (false: pause). */
  openControl(onBytes: (bytes: string) => boolean): void {
    const path = this.#makeFifo('control');
    let isFifo: boolean;
    try {
      isFifo = statSync(path).isFIFO();
    } catch (error) {
      fatal(`unable to stat ${this.#named('control')}`, error);
    }
    if (!isFifo) fatal(`${this.#named('control')} exists but is not a fifo`);
    try {
      this.#control = openControlFifo(path, onBytes);
    } catch (error) {
      fatal(`unable to open ${this.#named('control')}`, error);
    }
  }

  /** Reads `supervise/control` again once the Supervisor's queue has drained (control-fifo.ts). */
  resumeControl(): void {
    this.#control?.resume();
  }

  /** RSV-5: `supervise/ok` held open for reading, never read: writers' opens succeed meanwhile. */
  holdOk(): void {
    const path = this.#makeFifo('ok');
    try {
      this.#fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch (error) {
      fatal(`unable to read ${this.#named('ok')}`, error);
    }
  }

  /** RSV-13: pid (when due), then stat, then status, each through `.new` + rename. */
  writeStatus(files: StatusFiles): void {
    if (files.pid !== undefined && !this.#replace('pid', files.pid)) return;
    if (!this.#replace('stat', files.stat)) return;
    this.#replace('status', files.status);
  }

  /**
   * Our run statistics (runsv/run-stats.ts): the first record through `.new` + rename (whatever an
   * earlier supervisor left is replaced whole), the rest in place, one fixed-size write at offset 0
   * with no truncate: a rename over the old inode would cost a synchronous discard on some disks
   * (docs/performance.md). A reader tells a torn record by its two sequence numbers.
   */
  writeStats(record: string): void {
    if (this.#statsFd === undefined) {
      if (!this.#replace('stats', record)) return;
      try {
        this.#statsFd = openSync(this.#path('stats'), constants.O_WRONLY);
        this.#fds.push(this.#statsFd);
      } catch (error) {
        this.#warn(`unable to open ${this.#named('stats')}: ${errorText(error)}`);
      }
      return;
    }
    const bytes = Buffer.from(record);
    try {
      if (writeSync(this.#statsFd, bytes, 0, bytes.length, 0) !== bytes.length) this.#warn(`unable to write ${this.#named('stats')}: partial write.`);
    } catch (error) {
      this.#warn(`unable to write ${this.#named('stats')}: ${errorText(error)}`);
    }
  }

  /** The statistics an earlier supervisor of this directory left; undefined when there are none. */
  readStats(): string | undefined {
    try {
      return readFileSync(this.#path('stats'), 'utf8');
    } catch {
      return undefined; // none, or unreadable: counting starts afresh either way
    }
  }

  /**
   * Our extension files (docs/extensions.md): written like the status files, or removed when
   * `content` is undefined. Failures are warnings, as for status.
   */
  writeExtension(name: ExtensionStateFile, content: string | undefined): void {
    if (content !== undefined) {
      this.#replace(name, content);
      return;
    }
    try {
      unlinkSync(this.#path(name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') this.#warn(`unable to remove ${this.#named(name)}: ${errorText(error)}`);
    }
  }

  #replace(name: 'pid' | 'stat' | 'status' | 'stats' | ExtensionStateFile, content: string | Uint8Array): boolean {
    const path = this.#path(name);
    const newPath = `${path}${NEW_SUFFIX}`;
    const named = `${this.#named(name)}${NEW_SUFFIX}`;
    let fd: number;
    try {
      fd = openSync(newPath, TRUNC_OPEN, MODE.statusFile);
    } catch (error) {
      this.#warn(`unable to open ${named}: ${errorText(error)}`);
      return false;
    }
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      const written = bytes.length === 0 ? 0 : writeSync(fd, bytes);
      if (written !== bytes.length) {
        this.#warn(`unable to write ${named}: partial write.`);
        return false;
      }
    } catch (error) {
      this.#warn(`unable to write ${named}: ${errorText(error)}`);
      try {
        unlinkSync(newPath);
      } catch {
        // nothing more to do: the old file stays in place
      }
      return false;
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(newPath, path);
      return true;
    } catch (error) {
      this.#warn(`unable to rename ${name}${NEW_SUFFIX} to ${this.#named(name)}: ${errorText(error)}`);
      return false;
    }
  }

  /** Gives back every descriptor: the lock is released and the FIFOs lose their reader. */
  close(): void {
    this.#control?.close();
    this.#control = undefined;
    this.#statsFd = undefined;
    for (const fd of this.#fds.splice(0)) closeSync(fd);
  }
}
