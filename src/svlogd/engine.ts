/**
 * The svlogd engine: reads lines from one fd and logs them to one or more directories. It keeps
 * no process-global state (no chdir, no signal handlers): the cli maps HUP, ALRM and TERM to
 * `reopen()`, `rotateAll()` and `terminate()`, and a process that runs the engine itself can do the same.
 *
 * Work runs in runit's order. Input is processed a read chunk at a time; output is written
 * synchronously after each chunk (so memory is bounded and a line read is a line on disk);
 * "idle point" actions — ALRM rotation, exit, HUP, timed rotation — run between chunks, as
 * runit runs them before each read. A job that must wait (a pause after a failed write, a
 * running processor) stops the input until it is done: the pipe provides the back-pressure.
 */
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { isInputError, openInput, type Input } from './input.js';
import { JobQueue, type Job } from './jobs.js';
import { LineRouter } from './router.js';
import { LineSplitter, makeReplaceTable } from './line-splitter.js';
import { LogDir } from './logdir.js';
import { closeAll, flushAll, openAll, rotateNow } from './dir-jobs.js';
import { Stamper } from './stamp.js';
import { makeDirContext, type SvlogdOptions } from './engine-options.js';

const BYTE_RETRY_MILLIS = 10;
/** runit's -b default. */
const DEFAULT_BUFFER_SIZE = 1024;

export class SvlogdEngine {
  /** Resolves with the exit code (0) after EOF or terminate(); rejects with SvlogdFatalError. */
  readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  private rejectExit!: (error: unknown) => void;
  private readonly clock: Clock;
  private readonly dirs: LogDir[];
  private readonly router: LineRouter;
  private readonly splitter: LineSplitter<Buffer>;
  private readonly stamper: Stamper;
  private readonly bufferSize: number;
  private input: Input | undefined;
  private readonly chunks: { data: Buffer; stamp: Buffer }[] = [];
  private readonly jobs: JobQueue = new JobQueue(
    () => this.pump(),
    (error) => this.end(111, error),
  );
  private isPumping = false;
  private isStarted = false;
  private isFinished = false;
  private isFinishing = false;
  private isEof = false;
  private isInputStopped = false;
  private wantRotate = false;
  private wantReopen = false;
  private wantExit = false;
  private cancelTimer: (() => void) | undefined;

  constructor(options: SvlogdOptions) {
    this.clock = options.clock ?? systemClock;
    const lineMax = options.lineMax ?? 1000;
    this.bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    const message = options.message ?? (() => {});
    const ctx = makeDirContext(options, this.clock, (job) => {
      this.jobs.pushFront(job);
      this.pump();
    });
    // Without a base, relative names stay relative to the (never changed) process cwd: like
    // runit, the logger then needs no search permission on the cwd's parents.
    const { cwd } = options;
    this.dirs = options.dirs.map((name) => new LogDir(name, cwd === undefined ? name : resolve(cwd, name), ctx));
    this.stamper = new Stamper(options.stamp ?? 'none');
    this.router = new LineRouter(this.dirs, lineMax, options.stderrCopy ?? (() => {}), message);
    const table =
      options.replaceChar === undefined ? undefined : makeReplaceTable(options.replaceChar, options.replaceExtra ?? new Uint8Array(0));
    this.splitter = new LineSplitter(lineMax, table, this.router);
    this.exited = new Promise((resolveExit, rejectExit) => {
      this.resolveExit = resolveExit;
      this.rejectExit = rejectExit;
    });
  }

  /** Opens the directories, then reads `fd` until EOF or terminate(). */
  start(fd: number): Promise<number> {
    if (this.isStarted) return this.exited;
    this.isStarted = true;
    const self = this;
    this.jobs.push(
      (function* () {
        yield* self.openAll();
        const handlers = {
          chunk: (data: Buffer): boolean => self.onChunk(data),
          end: () => self.onEnd(),
          error: (error: unknown) => self.onReadError(error),
        };
        try {
          self.input = openInput(fd, handlers, self.bufferSize);
        } catch (error) {
          // runit's read fails the same way on a closed fd: a warning, then the end of input.
          if (!isInputError(error)) throw error;
          self.input = { pause() {}, resume() {}, stop: () => [], readByte: () => 'eof' };
          self.onReadError(error);
        }
      })(),
    );
    this.pump();
    return this.exited;
  }

  /** HUP: close and reopen every directory, re-reading `config` (SVL-19). */
  reopen(): void {
    this.wantReopen = true;
    this.pump();
  }

  /** ALRM: rotate every directory with a non-empty `current` (SVL-14). */
  rotateAll(): void {
    this.wantRotate = true;
    this.pump();
  }

  /** TERM: finish the line being read, write what was read, wait for processors, exit 0. */
  terminate(): void {
    this.wantExit = true;
    this.pump();
  }

  /** Processes `data` at once if possible; what must wait is copied, and reading pauses. */
  private onChunk(data: Buffer): boolean {
    this.chunks.push({ data, stamp: this.stamper.stamp(this.clock.now()) });
    this.pump();
    this.splitter.detach(data);
    for (const chunk of this.chunks) if (chunk.data === data) chunk.data = Buffer.from(data);
    return !this.jobs.isWaiting && this.chunks.length === 0;
  }

  private onEnd(): void {
    this.isEof = true;
    this.pump();
  }

  private onReadError(error: unknown): void {
    this.router.warnRead(error);
    this.onEnd();
  }

  private *openAll(): Job {
    yield* openAll(this.dirs);
    this.router.refresh();
  }

  private *finishAll(): Job {
    yield* closeAll(this.dirs);
    this.end(0);
  }

  private end(code: number, error?: unknown): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.cancelTimer?.();
    this.jobs.clear();
    if (!this.isInputStopped) this.input?.stop();
    this.isInputStopped = true;
    if (error === undefined) this.resolveExit(code);
    else this.rejectExit(error);
  }

  /** Runs queued jobs, then input, then idle-point actions, until something must wait. */
  private pump(): void {
    if (this.isPumping || this.isFinished) return;
    this.isPumping = true;
    try {
      while (!this.isFinished) {
        this.jobs.run();
        if (this.jobs.isWaiting) break;
        if (this.splitter.hasInput) {
          this.splitter.run();
          this.jobs.push(flushAll(this.router.openDirs));
        } else if (this.chunks.length > 0) {
          const { data, stamp } = this.chunks.shift()!;
          this.splitter.feed(data, stamp);
        } else if (!this.idlePoint()) {
          break;
        }
      }
    } catch (error) {
      this.end(111, error);
    } finally {
      this.isPumping = false;
    }
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.isInputStopped || this.input === undefined) return;
    if (this.jobs.isWaiting || this.chunks.length > 0 || this.isFinishing) this.input.pause();
    else this.input.resume();
  }

  /** runit's work before each read (SVL-12); true when it queued something to do. */
  private idlePoint(): boolean {
    if (this.input === undefined || this.isFinishing) return false;
    if (this.wantRotate) {
      this.wantRotate = false;
      for (const dir of this.dirs) this.jobs.push(rotateNow(dir));
      return true;
    }
    if (this.wantExit || this.isEof) return this.exitPoint();
    if (this.wantReopen) {
      this.wantReopen = false;
      this.jobs.push(this.openAll());
      return true;
    }
    return this.timedRotations();
  }

  private exitPoint(): boolean {
    if (!this.isInputStopped) {
      this.isInputStopped = true;
      const stamp = this.stamper.stamp(this.clock.now());
      for (const data of this.input!.stop()) this.chunks.push({ data, stamp });
      return true;
    }
    if (!this.isEof && !this.splitter.isLineComplete) return this.readRestOfLine();
    this.splitter.end();
    this.isFinishing = true;
    this.jobs.push(this.finishAll());
    return true;
  }

  /** At TERM inside a line: read byte by byte up to its `\n`, leaving the rest in the pipe. */
  private readRestOfLine(): boolean {
    const bytes: number[] = [];
    for (;;) {
      const byte = this.input!.readByte();
      if (byte === 'eof') {
        this.isEof = true;
        break;
      }
      if (byte === 'again') break;
      bytes.push(byte);
      if (byte === 10) break;
    }
    if (bytes.length > 0 || this.isEof) {
      this.chunks.push({ data: Buffer.from(bytes), stamp: this.stamper.stamp(this.clock.now()) });
      return true;
    }
    this.armTimer(BYTE_RETRY_MILLIS);
    return false;
  }

  private timedRotations(): boolean {
    const now = this.clock.monotonicMillis();
    let next = Infinity;
    let isQueued = false;
    for (const dir of this.dirs) {
      if (dir.rotateAt === 0) continue;
      if (dir.rotateAt <= now) {
        this.jobs.push(rotateNow(dir));
        isQueued = true;
      } else {
        next = Math.min(next, dir.rotateAt);
      }
    }
    if (isQueued) return true;
    // runit wakes at least every 2744 s; a shorter cap keeps setTimeout in range.
    if (next !== Infinity) this.armTimer(Math.min(next - now, 2744_000));
    return false;
  }

  private armTimer(millis: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimer(millis, () => {
      this.cancelTimer = undefined;
      this.pump();
    });
  }
}
