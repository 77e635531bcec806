/**
 * runsv's state machine (RSV-7..RSV-31): one main service, an optional log service, one control
 * byte per service per loop iteration, the 1-second rule and the exit sequence. All effects go
 * through the injected effects and clock, so tests drive it with fakes; the real effects are in
 * effects.ts.
 */
import type { Clock } from '../clock.js';
import { errorText } from '../errors.js';
import { signalForControl } from '../protocol/control.js';
import { STATE_DOWN, STATE_FINISH, STATE_RUN, type RunState, type StatusRecord } from '../protocol/status.js';
import type { Tai64n } from '../protocol/tai64n.js';
import type { Notice } from './notice.js';
import { newRecord, statusFiles, type ChildExit, type ServiceRecord, type StatusFiles } from './record.js';
import { NO_HOOKS, type SupervisorHooks } from './supervisor-hooks.js';

export type ChildKind = 'run' | 'finish' | 'log';

export type StartResult =
  | { kind: 'started'; pid: number }
  /** exec failed: the effects already printed runit's message; the "child" exits 111. */
  | { kind: 'exec-failed' }
  /** fork failed: runsv warns, sleeps 5 s and tries again (RSV-17). */
  | { kind: 'fork-failed'; error: unknown };

export interface SupervisorEffects {
  /** `onNotice`: what ./run says about itself (readiness), for the extension files that ask for it. */
  start(
    kind: ChildKind,
    args: readonly string[],
    onExit: (exit: ChildExit) => void,
    onNotice?: (notice: Notice) => void,
  ): Promise<StartResult>;
  /** Runs control/<c> if it is executable; resolves true when it exited 0 ("handled", RSV-28). */
  runHook(c: string): Promise<boolean>;
  signal(pid: number, signal: NodeJS.Signals): void;
  /** Whether ./finish can be opened for reading (RSV-20: not the execute bit). */
  canReadFinish(): boolean;
  writeStatus(isLog: boolean, files: StatusFiles): void;
  closeLogPipe(): void;
  warn(text: string): void;
  /** Read supervise/control (or the log's) again: its queue has drained (enqueueControl). */
  resumeControl(isLog: boolean): void;
  /**
   * `MAINPID=`: supervise `named` in place of `current` (main-pid.ts), its exit reported through
   * `onExit`; false when it may not (the effects warned why).
   */
  followMainPid?(current: number, named: number, onExit: (exit: ChildExit) => void): boolean;
  /** `./run` was started: the run statistics (run-stats.ts) count it. */
  runStarted?(pid: number): void;
  /** `./run` ended; `isRequested` when it was asked to stop (not a crash). */
  runExited?(exit: ChildExit, isRequested: boolean): void;
}

export interface SupervisorConfig {
  isNormallyDown: boolean;
  hasLog: boolean;
  isLogNormallyDown: boolean;
  /** Our extensions for the main service (runsv/extensions.ts); without them, exactly runit. */
  hooks?: SupervisorHooks;
}

/** One start of ./run: the pid it got, and the main pid it named since (MAINPID=), whose notices are its own. */
interface ChildInstance {
  pid: number;
  followedPid?: number;
}

interface PendingExit {
  record: ServiceRecord;
  /** Filled in once the start resolves; an exit can be reported before that. */
  child: { pid: number };
  exit: ChildExit;
}

/**
 * Control bytes queued per service before its FIFO is left unread (issue 14, fault 7). runit reads
 * one byte per loop, so a writer blocks once the kernel's pipe is full; ours reads whole chunks,
 * and without this bound 10 MiB of garbage written into supervise/control stayed in memory.
 * Past it the FIFO is not read until half of the queue is done: the pipe pushes back on writers.
 */
export const MAX_QUEUED_CONTROL = 4096;
const FORK_RETRY_MILLIS = 5000;
const ONE_SECOND = 1000;

export class Supervisor {
  readonly main: ServiceRecord;
  readonly log: ServiceRecord | undefined;
  private readonly effects: SupervisorEffects;
  private readonly clock: Clock;
  private mainInput = '';
  private logInput = '';
  private readonly exits: PendingExit[] = [];
  private isMainInputFull = false;
  private isLogInputFull = false;
  /** A SIGTERM that arrived while waiting for work (RSV-31): handled in this iteration. */
  private isTermPending = false;
  /**
   * A SIGTERM that arrived while busy (reaping, the 1-second sleep, a hook): runsv blocks the
   * signal outside its wait, so it takes effect only after the next starts (RSV-31).
   */
  private isTermBlocked = false;
  private isPidDue = true;
  private nextFailedPid = -1;
  private wake: (() => void) | undefined;
  private readonly hooks: SupervisorHooks;
  /** A start the hooks held back may go now. */
  private isStartDue = false;
  private readonly recheck = (): void => {
    this.isStartDue = true;
    this.notify();
  };

  constructor(effects: SupervisorEffects, clock: Clock, config: SupervisorConfig) {
    this.effects = effects;
    this.clock = clock;
    this.hooks = config.hooks ?? NO_HOOKS;
    this.main = newRecord(false, config.isNormallyDown, clock.now());
    this.log = config.hasLog ? newRecord(true, config.isLogNormallyDown, clock.now()) : undefined;
  }

  /** RSV-3 steps 9 and 10: the status files written at start-up. */
  publish(isLog: boolean): void {
    const record = isLog ? this.log : this.main;
    if (record) this.update(record);
  }

  /**
   * A previous instance still running, left by a supervisor that died (adopt.ts): supervised
   * from here on as if started here, with the record that supervisor last wrote. Called before
   * `publish` and `run`; returns where its exit is to be reported.
   */
  adopt(isLog: boolean, previous: StatusRecord): (exit: ChildExit) => void {
    const record = (isLog ? this.log : this.main)!;
    record.pid = previous.pid;
    record.state = previous.state as RunState;
    record.since = previous.since;
    record.want = previous.want;
    record.isPaused = previous.isPaused;
    record.gotTerm = previous.gotTerm;
    const child = { pid: previous.pid };
    return (exit) => {
      this.exits.push({ record, child, exit });
      this.notify();
    };
  }

  /** What ./run says about itself; `MAINPID=` names a new main process to supervise (main-pid.ts). */
  private noticed(record: ServiceRecord, instance: ChildInstance, notice: Notice): void {
    const current = instance.followedPid ?? instance.pid;
    this.hooks.noticed(current, notice);
    const named = notice.mainPid;
    if (named === undefined || named === current || current !== record.pid || record.state !== STATE_RUN || record.want !== 'up') return;
    const child = { pid: named };
    const onExit = (exit: ChildExit): void => {
      this.exits.push({ record, child, exit });
      this.notify();
    };
    if (!this.effects.followMainPid?.(current, named, onExit)) return;
    instance.followedPid = named;
    record.pid = named;
    this.isPidDue = true;
    this.update(record);
    this.hooks.followed(named);
  }

  /**
   * Bytes written to supervise/control (or log/supervise/control). Returns false once the queue
   * is full: stop reading that FIFO until effects.resumeControl is called.
   */
  enqueueControl(isLog: boolean, bytes: string): boolean {
    if (isLog) this.logInput += bytes;
    else this.mainInput += bytes;
    this.notify();
    const isFull = (isLog ? this.logInput : this.mainInput).length >= MAX_QUEUED_CONTROL;
    if (isLog) this.isLogInputFull ||= isFull;
    else this.isMainInputFull ||= isFull;
    return !isFull;
  }

  /**
   * SIGTERM (RSV-31): handled as `x` after the control bytes of the current iteration. Like
   * runsv, which unblocks the signal only while it waits, a TERM that arrives while it is busy
   * (e.g. in the 1-second sleep) waits until the loop has started what it restarts: ./run is
   * execed once more, then stopped.
   */
  terminate(): void {
    if (this.wake === undefined) {
      this.isTermBlocked = true;
      return;
    }
    this.isTermPending = true;
    this.notify();
  }

  /** The main loop (RSV-15). Resolves with the exit code once the exit sequence completes. */
  async run(): Promise<number> {
    for (;;) {
      this.isStartDue = false;
      if (this.log && this.log.pid === 0 && this.log.want === 'up') await this.startChild(this.log);
      if (this.main.pid === 0 && (this.main.want === 'up' || this.main.state === STATE_FINISH)) {
        await this.startChild(this.main);
      }
      if (this.isTermBlocked) {
        this.isTermBlocked = false;
        this.isTermPending = true;
      }
      // Waited for here, not in a helper: an async helper would keep a second suspended
      // generator per service, and one process may keep a thousand of these at rest.
      while (!this.hasWork()) await new Promise<void>((resolve) => (this.wake = resolve));
      while (this.exits.length > 0) await this.reap(this.exits.shift()!);
      const mainByte = this.takeByte(false);
      if (mainByte !== undefined) await this.command(this.main, mainByte);
      const logByte = this.takeByte(true);
      if (logByte !== undefined && this.log) await this.command(this.log, logByte);
      if (this.isTermPending) {
        this.isTermPending = false;
        await this.command(this.main, 'x');
      }
      if (this.main.want === 'exit' && this.main.state === STATE_DOWN) {
        if (!this.log || this.log.pid === 0) return 0;
        if (this.log.want !== 'exit') {
          this.log.want = 'exit';
          this.update(this.log);
          this.effects.closeLogPipe();
        }
      }
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private hasWork(): boolean {
    return (
      this.exits.length > 0 || this.mainInput.length > 0 || this.logInput.length > 0 || this.isTermPending || this.isStartDue
    );
  }

  private takeByte(isLog: boolean): string | undefined {
    const input = isLog ? this.logInput : this.mainInput;
    if (input.length === 0) return undefined;
    if (isLog) this.logInput = input.slice(1);
    else this.mainInput = input.slice(1);
    if (input.length <= MAX_QUEUED_CONTROL / 2 && (isLog ? this.isLogInputFull : this.isMainInputFull)) {
      if (isLog) this.isLogInputFull = false;
      else this.isMainInputFull = false;
      this.effects.resumeControl(isLog);
    }
    return input[0];
  }

  private sleep(millis: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(millis, resolve));
  }

  private update(record: ServiceRecord): void {
    const files = statusFiles(record, this.isPidDue);
    this.isPidDue = false;
    this.effects.writeStatus(record.isLog, files);
  }

  private hook(record: ServiceRecord, c: string): Promise<boolean> {
    return record.isLog ? Promise.resolve(false) : this.effects.runHook(c);
  }

  private signal(record: ServiceRecord, signal: NodeJS.Signals): void {
    if (record.pid > 0) this.effects.signal(record.pid, signal);
  }

  /** RSV-17 */
  private async startChild(record: ServiceRecord): Promise<void> {
    const isFinish = record.state === STATE_FINISH;
    if (!isFinish && !record.isLog && !this.hooks.mayStart(this.recheck)) return;
    if (!isFinish && !record.isLog) await this.hook(record, 'u');
    if (record.pid !== 0) await this.stop(record);
    const kind: ChildKind = record.isLog ? 'log' : isFinish ? 'finish' : 'run';
    const args = isFinish ? finishArguments(record.lastExit) : [];
    const child: ChildInstance = { pid: 0 };
    let result: StartResult;
    for (;;) {
      result = await this.effects.start(
        kind,
        args,
        (exit) => {
          this.exits.push({ record, child, exit });
          this.notify();
        },
        kind === 'run' ? (notice) => this.noticed(record, child, notice) : undefined,
      );
      if (result.kind !== 'fork-failed') break;
      this.effects.warn(`unable to fork, sleeping: ${errorText(result.error)}`);
      await this.sleep(FORK_RETRY_MILLIS);
    }
    const pid = result.kind === 'started' ? result.pid : this.nextFailedPid--;
    child.pid = pid;
    if (result.kind === 'exec-failed') this.exits.push({ record, child, exit: { code: 111, signal: 0 } });
    if (!isFinish) {
      record.state = STATE_RUN;
      record.since = this.clock.now();
    }
    record.pid = pid;
    this.isPidDue = true;
    record.isPaused = false;
    record.gotTerm = false;
    if (!isFinish && !record.isLog) this.effects.runStarted?.(pid);
    if (result.kind === 'started') this.update(record);
    if (kind !== 'log') this.hooks.started(kind, pid);
  }

  /** RSV-20 / RSV-21, including the 1-second rule (RSV-22). */
  private async reap({ record, child, exit }: PendingExit): Promise<void> {
    if (child.pid !== record.pid) return;
    if (!record.isLog && record.state !== STATE_FINISH) this.effects.runExited?.(exit, record.gotTerm || record.want !== 'up');
    record.pid = 0;
    this.isPidDue = true;
    record.gotTerm = false;
    if (!record.isLog) {
      this.hooks.exited(record.state === STATE_FINISH ? 'finish' : 'run', child.pid);
      record.lastExit = exit;
      if (record.state !== STATE_FINISH && this.effects.canReadFinish()) {
        record.state = STATE_FINISH;
        this.update(record);
        return;
      }
    }
    record.state = STATE_DOWN;
    const started = record.since;
    record.since = this.clock.now();
    this.update(record);
    if (!record.isLog && this.hooks.replacesRestartRule(record.want)) return;
    // A run shorter than one second, compared at full precision as runit's taia_less does, costs
    // a full second's sleep, during which nothing else is done (RSV-22).
    if (isWithinOneSecond(started, record.since)) await this.sleep(ONE_SECOND);
  }

  /** RSV-27 */
  private async stop(record: ServiceRecord): Promise<void> {
    if (record.pid !== 0 && !(await this.hook(record, 't'))) {
      this.signal(record, record.isLog ? 'SIGTERM' : this.hooks.stopSignal(record.want));
      if (!record.isLog) this.hooks.stopSent(record.pid, record.want);
      record.gotTerm = true;
      this.update(record);
    }
    if (record.want === 'down' || record.want === 'exit') {
      this.signal(record, 'SIGCONT');
      await this.hook(record, record.want === 'down' ? 'd' : 'x');
    }
  }

  /** RSV-24 */
  private async command(record: ServiceRecord, c: string): Promise<void> {
    const isRunning = record.state === STATE_RUN;
    switch (c) {
      case 'u':
      case 'o':
        record.want = c === 'u' ? 'up' : 'down';
        this.update(record);
        if (record.state === STATE_DOWN) await this.startChild(record);
        return;
      case 'd':
        record.want = 'down';
        this.update(record);
        if (isRunning) await this.stop(record);
        return;
      case 'x':
        if (record.isLog) return;
        record.want = 'exit';
        this.update(record);
        if (isRunning) await this.stop(record);
        return;
      case 't':
        if (isRunning) await this.stop(record);
        return;
      case 'k':
        if (isRunning && !(await this.hook(record, c))) this.signal(record, 'SIGKILL');
        record.state = STATE_DOWN;
        return;
      case 'p':
      case 'c':
        if (isRunning && !(await this.hook(record, c))) this.signal(record, c === 'p' ? 'SIGSTOP' : 'SIGCONT');
        record.isPaused = c === 'p';
        this.update(record);
        return;
      default: {
        const signal = signalForControl(c);
        if (signal !== undefined && isRunning && !(await this.hook(record, c))) this.signal(record, signal);
      }
    }
  }
}

/** Whether `later` comes before `earlier` + 1 s. */
function isWithinOneSecond(earlier: Tai64n, later: Tai64n): boolean {
  if (later.seconds !== earlier.seconds + 1) return later.seconds < earlier.seconds + 1;
  return later.nanoseconds < earlier.nanoseconds;
}

/** RSV-19: `-1 SIG` after a signal death, `CODE 0` after an exit. */
function finishArguments(exit: ChildExit | undefined): string[] {
  if (exit === undefined) return ['0', '0'];
  return exit.code === null ? ['-1', String(exit.signal)] : [String(exit.code), '0'];
}
