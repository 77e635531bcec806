/**
 * The svlogd engine: reads input, splits lines, writes them to every log directory, and rotates
 * on size, time and ALRM. The loop follows runit's: before each read it flushes, acts on the
 * signals received (SVL-12), rotates the directories whose time is up, then waits for input.
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { writeAll } from '../cli/output.js';
import { errorText } from '../errors.js';
import { info, realFs, warn, type LogFs, type SvlogdContext } from './context.js';
import { DirBuffer } from './dir-buffer.js';
import { LineEmitter } from './emit.js';
import type { InputSource } from './input.js';
import { LineSplitter, replacementTable } from './line-splitter.js';
import { closeLogDir, LogDir, openLogDir } from './logdir.js';
import { stopProcessor } from './processor.js';
import { prune, rotate, writeCurrent } from './rotate.js';
import type { StampMode } from './stamp.js';
import { UdpSender } from './udp.js';

const noTimer = (): void => undefined;

/** runit ignores failed writes to stderr; a closed or broken stderr must not stop the logging. */
function writeStderrQuietly(data: string | Uint8Array): void {
  try {
    writeAll(2, data);
  } catch {
    // nowhere left to say it
  }
}

export interface SvlogdOptions {
  /** Log directories, as given on the command line. */
  dirs: readonly string[];
  /** `-t` count, 0..3. */
  stampMode?: StampMode;
  /** `-r`/`-R`: the replacement byte and the extra bytes to replace; undefined = no replacement. */
  replace?: { byte: number; extra: Uint8Array } | undefined;
  /** `-l`, default 1000. */
  lineMax?: number;
  /** `-b`, default 1024; must be greater than lineMax. */
  bufferSize?: number;
  /** `-v`. */
  isVerbose?: boolean;
  clock?: Clock;
  /** Base of relative directory names; defaults to process.cwd(). */
  cwd?: string;
  /** The processor's environment; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where diagnostics and `e`-selected lines go; defaults to fd 2. */
  writeStderr?: (data: string | Uint8Array) => void;
  /** File-system calls, for fault injection in tests. */
  fs?: LogFs;
}

/** Runs one svlogd over `input` until the end of input or terminate(); resolves with the exit code. */
export class Svlogd {
  private readonly ctx: SvlogdContext;
  private readonly dirs: LogDir[];
  private readonly splitter: LineSplitter;
  private readonly emitter: LineEmitter;
  private readonly udp = new UdpSender();
  private isExitWanted = false;
  private isRotateWanted = false;
  private isReopenWanted = false;
  /** Whether the last byte read ended a line (runit's linecomplete). */
  private isLineComplete = true;
  private wakeUp: (() => void) | undefined;
  private isWakePending = false;
  private cancelTimer: () => void = noTimer;
  /** The read under way; kept across wake-ups so no input is lost to a signal. */
  private pendingRead: Promise<Uint8Array | null> | undefined;
  private readonly input: InputSource;

  constructor(input: InputSource, options: SvlogdOptions) {
    this.input = input;
    const clock = options.clock ?? systemClock;
    const lineMax = options.lineMax ?? 1000;
    this.ctx = {
      fs: options.fs ?? realFs,
      clock,
      isVerbose: options.isVerbose ?? false,
      lineMax,
      bufferSize: options.bufferSize ?? 1024,
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      writeStderr: options.writeStderr ?? writeStderrQuietly,
      onProcessorExit: () => this.wake(),
    };
    this.dirs = options.dirs.map((name) => {
      const dir: LogDir = new LogDir(
        name,
        new DirBuffer(this.ctx.bufferSize, (bytes) => writeCurrent(this.ctx, dir, bytes)),
      );
      return dir;
    });
    const { replace } = options;
    const stampMode = options.stampMode ?? 0;
    this.splitter = new LineSplitter({
      lineMax,
      replace: replace === undefined ? undefined : { byte: replace.byte, table: replacementTable(replace.extra) },
      stamp: stampMode === 0 ? undefined : () => clock.now(),
    });
    this.emitter = new LineEmitter(this.ctx, this.dirs, stampMode, this.udp);
  }

  /** TERM: finish the line being read, then stop (SVL-20). */
  terminate(): void {
    info(this.ctx, 'sigterm received.');
    this.isExitWanted = true;
    this.wake();
  }

  /** ALRM: rotate every directory with a non-empty `current`. */
  rotateAll(): void {
    info(this.ctx, 'sigalarm received.');
    this.isRotateWanted = true;
    this.wake();
  }

  /** HUP: close and reopen every directory, re-reading `config` (SVL-19). */
  reopen(): void {
    info(this.ctx, 'sighangup received.');
    this.isReopenWanted = true;
    this.wake();
  }

  async run(): Promise<number> {
    try {
      if (!(await this.reopenAll())) return this.noFunctionalDirs();
      for (;;) {
        for (const dir of this.dirs) if (dir.isOpen) await dir.buffer.flush();
        await this.finishExitedProcessors();
        if (this.isRotateWanted) {
          this.isRotateWanted = false;
          for (const dir of this.dirs) await rotate(this.ctx, dir);
        }
        if (this.isExitWanted && this.isLineComplete) break;
        if (this.isReopenWanted) {
          this.isReopenWanted = false;
          if (!(await this.reopenAll())) return this.noFunctionalDirs();
        }
        this.armTimer(await this.rotateExpired());
        const chunk = await this.waitForInput(this.isExitWanted ? 1 : this.ctx.bufferSize);
        if (chunk === 'woken') continue;
        if (chunk === null) {
          if (this.input.error !== undefined) {
            warn(this.ctx, `unable to read standard input: ${errorText(this.input.error)}`);
          }
          const last = this.splitter.end();
          if (last !== undefined) await this.emitter.emit(last);
          break;
        }
        this.isLineComplete = chunk[chunk.length - 1] === 0x0a;
        this.splitter.feed(chunk);
        for (let event = this.splitter.next(); event !== undefined; event = this.splitter.next()) {
          await this.emitter.emit(event);
        }
      }
      for (const dir of this.dirs) {
        while (dir.processor !== undefined && !(await stopProcessor(this.ctx, dir)));
        await closeLogDir(this.ctx, dir);
      }
      return 0;
    } finally {
      this.cancelTimer();
      this.input.close();
      this.udp.close();
    }
  }

  private noFunctionalDirs(): number {
    this.ctx.writeStderr('svlogd: fatal: no functional log directories.\n');
    return 111;
  }

  private async reopenAll(): Promise<boolean> {
    let isAnyOpen = false;
    for (const dir of this.dirs) {
      await closeLogDir(this.ctx, dir);
      if (await openLogDir(this.ctx, dir, (d) => prune(this.ctx, d))) isAnyOpen = true;
    }
    return isAnyOpen;
  }

  /** A processor's exit is handled between reads, where runit takes SIGCHLD. */
  private async finishExitedProcessors(): Promise<void> {
    for (const dir of this.dirs) {
      if (dir.processor?.hasExited === true) await stopProcessor(this.ctx, dir);
    }
  }

  /**
   * Rotates directories whose `t` time is up; returns when the loop must wake next, or
   * undefined when no directory has a time limit.
   */
  private async rotateExpired(): Promise<number | undefined> {
    const now = this.ctx.clock.monotonicMillis();
    let wakeAt: number | undefined;
    for (const dir of this.dirs) {
      if (dir.config.rotateSeconds === 0) continue;
      if (dir.deadline < now) await rotate(this.ctx, dir);
      if (dir.config.rotateSeconds > 0) wakeAt = Math.min(wakeAt ?? dir.deadline, dir.deadline);
    }
    // runit never waits longer than 2744 s in one go; it also keeps a huge `t` within timer range.
    return wakeAt === undefined ? undefined : Math.min(wakeAt, now + 2744_000);
  }

  private armTimer(wakeAt: number | undefined): void {
    this.cancelTimer();
    this.cancelTimer = noTimer;
    if (wakeAt === undefined) return;
    const delay = wakeAt - this.ctx.clock.monotonicMillis();
    // One millisecond late, so the deadline has passed when the loop looks again.
    this.cancelTimer = this.ctx.clock.setTimer(Math.max(0, delay) + 1, () => this.wake());
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    if (wakeUp === undefined) this.isWakePending = true;
    else wakeUp();
  }

  private async waitForInput(max: number): Promise<Uint8Array | null | 'woken'> {
    if (this.pendingRead === undefined) this.pendingRead = this.input.read(max);
    else this.input.setMax(max);
    if (this.isWakePending) {
      this.isWakePending = false;
      return 'woken';
    }
    const woken = new Promise<'woken'>((resolve) => (this.wakeUp = () => resolve('woken')));
    const result = await Promise.race([this.pendingRead, woken]);
    this.wakeUp = undefined;
    if (result !== 'woken') this.pendingRead = undefined;
    return result;
  }
}
