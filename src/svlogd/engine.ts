/**
 * The svlogd engine: reads lines from one fd and logs them to one or more directories. It keeps
 * no process-global state (no chdir, no signal handlers): the cli maps HUP, ALRM and TERM to
 * `reopen()`, `rotateAll()` and `terminate()`, and an in-process host can do the same.
 *
 * Work runs in runit's order. Input is processed a read chunk at a time; output is written
 * synchronously after each chunk (so memory is bounded and a line read is a line on disk);
 * "idle point" actions — ALRM rotation, exit, HUP, timed rotation — run between chunks, as
 * runit runs them before each read. A job that must wait (a pause after a failed write, a
 * running processor) stops the input until it is done: the pipe provides the back-pressure.
 */
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { openInput, type Input } from './input.js';
import { SvlogdFatalError, type Job, type MessageSink } from './jobs.js';
import { LineRouter } from './router.js';
import { LineSplitter, makeReplaceTable } from './line-splitter.js';
import { LogDir, type DirContext } from './logdir.js';
import { reapProcessor, waitProcessor } from './processor.js';
import { rotate } from './rotate.js';
import { Stamper, type StampFormat } from './stamp.js';

export interface SvlogdOptions {
  /** The log directories, as given (messages use these names). */
  dirs: readonly string[];
  /** Base for relative directory names; defaults to process.cwd() at construction. */
  cwd?: string;
  stamp?: StampFormat;
  verbose?: boolean;
  /** The replacement byte (-r / -R); undefined: no replacement. */
  replaceChar?: number;
  /** Further bytes to replace (-R). */
  replaceExtra?: Uint8Array;
  /** -l (default 1000). */
  lineMax?: number;
  clock?: Clock;
  /** Diagnostics, one complete line each (svlogd writes them to fd 2). */
  message?: MessageSink;
  /** Copies of lines selected by `e` patterns (svlogd writes them to fd 2). */
  stderrCopy?: (bytes: Buffer) => void;
  /** fd 2 of processors (default 2). */
  processorStderr?: number;
  /** The processors' environment (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const BYTE_RETRY_MILLIS = 10;

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
  private input: Input | undefined;
  private readonly chunks: { data: Buffer; stamp: Buffer }[] = [];
  private readonly jobs: Job<unknown>[] = [];
  private waiting: Job<unknown> | undefined;
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
    const message = options.message ?? (() => {});
    const ctx: DirContext = {
      clock: this.clock,
      verbose: options.verbose ?? false,
      lineMax,
      message,
      processorStderr: options.processorStderr ?? 2,
      environment: options.env ?? process.env,
      processorExited: (dir, run) => {
        if (ctx.verbose) message('svlogd: info: sigchild received.\n');
        if (run.waiter !== undefined) {
          const wake = run.waiter;
          run.waiter = undefined;
          wake();
        } else if (dir.processor === run) {
          this.jobs.unshift(reapProcessor(dir, run));
          this.pump();
        }
      },
    };
    const cwd = options.cwd ?? process.cwd();
    this.dirs = options.dirs.map((name) => new LogDir(name, resolve(cwd, name), ctx));
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
          self.input = openInput(fd, handlers);
        } catch (error) {
          // runit's read fails the same way on a closed fd: a warning, then the end of input.
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
    return this.waiting === undefined && this.chunks.length === 0;
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
    let isAnyOpen = false;
    for (const dir of this.dirs) {
      yield* dir.close();
      if (yield* dir.open()) isAnyOpen = true;
    }
    this.router.refresh();
    if (!isAnyOpen) throw new SvlogdFatalError('no functional log directories.');
  }

  private *flushAll(): Job {
    for (const dir of this.router.openDirs) yield* dir.flush();
  }

  /** A rotation outside the planned points: the output is empty, so plan from the new size. */
  private *rotateDir(dir: LogDir): Job {
    yield* rotate(dir);
    dir.output.plannedSize = dir.size;
  }

  private *finishAll(): Job {
    for (const dir of this.dirs) {
      yield* dir.flush();
      if (dir.processor !== undefined) yield* waitProcessor(dir);
      yield* dir.close();
    }
    this.end(0);
  }

  private end(code: number, error?: unknown): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.cancelTimer?.();
    if (!this.isInputStopped) this.input?.stop();
    this.isInputStopped = true;
    if (error === undefined) this.resolveExit(code);
    else this.rejectExit(error);
  }

  private step(job: Job<unknown>): void {
    const result = job.next();
    if (result.done) return;
    this.waiting = job;
    result.value(() => this.wake(job));
  }

  private wake(job: Job<unknown>): void {
    if (this.waiting !== job || this.isFinished) return;
    this.waiting = undefined;
    try {
      this.step(job);
    } catch (error) {
      this.end(111, error);
      return;
    }
    this.pump();
  }

  /** Runs queued jobs, then input, then idle-point actions, until something must wait. */
  private pump(): void {
    if (this.isPumping || this.isFinished) return;
    this.isPumping = true;
    try {
      while (this.waiting === undefined && !this.isFinished) {
        const job = this.jobs.shift();
        if (job !== undefined) {
          this.step(job);
        } else if (this.splitter.hasInput) {
          this.splitter.run();
          this.jobs.push(this.flushAll());
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
    if (this.waiting !== undefined || this.chunks.length > 0 || this.isFinishing) this.input.pause();
    else this.input.resume();
  }

  /** runit's work before each read (SVL-12); true when it queued something to do. */
  private idlePoint(): boolean {
    if (this.input === undefined || this.isFinishing) return false;
    if (this.wantRotate) {
      this.wantRotate = false;
      for (const dir of this.dirs) this.jobs.push(this.rotateDir(dir));
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
        this.jobs.push(this.rotateDir(dir));
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
