/**
 * How the engine waits without blocking. runit's svlogd sleeps 3 s in place when an operation
 * fails ("pausing") and blocks in waitpid() for a processor. Here each such operation is a
 * generator step that yields a Wait; the engine stops feeding input until the step resumes, so
 * the order of work is runit's and nothing blocks the event loop (many services share it in one process).
 */
import type { Clock } from '../clock.js';
import { errorText, RunitError } from '../errors.js';

/** Registers `wake`, to be called once when the job may go on. */
export type Wait = (wake: () => void) => void;
export type Job<T = void> = Generator<Wait, T, void>;

export const PAUSE_MILLIS = 3000;

export interface MessageSink {
  /** One complete diagnostic line, e.g. `svlogd: warning: ...\n`. */
  (line: string): void;
}

export const FATAL = 'svlogd: fatal: ';
export const WARNING = 'svlogd: warning: ';
export const PAUSE = 'svlogd: pausing: ';
export const INFO = 'svlogd: info: ';

/** `M0: M1: ERR` */
export function withError(m0: string, m1: string, error: unknown): string {
  return `${m0}: ${m1}: ${errorText(error)}`;
}

/** Prints a pausing message and resumes 3 s later (SVL-16, SVL-21). */
export function pauseFor(clock: Clock, message: MessageSink, text: string): Wait {
  return (wake) => {
    message(`${PAUSE}${text}\n`);
    clock.setTimer(PAUSE_MILLIS, wake);
  };
}

/** A fatal condition (code ERR_SVLOGD_FATAL) the cli reports as `svlogd: fatal: TEXT`, exit 111. */
export class SvlogdFatalError extends RunitError {
  constructor(message: string) {
    super('ERR_SVLOGD_FATAL', message);
  }
}

/**
 * Runs jobs one after the other, in runit's order: a job that waits holds back every later one
 * (and the engine holds back its input) until it is woken.
 */
export class JobQueue {
  private readonly queue: Job<unknown>[] = [];
  private waiting: Job<unknown> | undefined;
  private readonly onWake: () => void;
  private readonly onError: (error: unknown) => void;

  /** `onWake` runs after a waiting job went on; `onError` gets what a job threw then. */
  constructor(onWake: () => void, onError: (error: unknown) => void) {
    this.onWake = onWake;
    this.onError = onError;
  }

  get isWaiting(): boolean {
    return this.waiting !== undefined;
  }

  push(job: Job<unknown>): void {
    this.queue.push(job);
  }

  /** Next in line (the SIGCHLD path runs before queued work, as runit's handler does). */
  pushFront(job: Job<unknown>): void {
    this.queue.unshift(job);
  }

  /** Runs queued jobs until one waits or none is left; throws what a job throws. */
  run(): void {
    while (this.waiting === undefined) {
      const job = this.queue.shift();
      if (job === undefined) return;
      this.step(job);
    }
  }

  /** Forgets everything (the engine has ended). */
  clear(): void {
    this.queue.length = 0;
    this.waiting = undefined;
  }

  private step(job: Job<unknown>): void {
    const result = job.next();
    if (result.done) return;
    this.waiting = job;
    result.value(() => this.wake(job));
  }

  private wake(job: Job<unknown>): void {
    if (this.waiting !== job) return;
    this.waiting = undefined;
    try {
      this.step(job);
    } catch (error) {
      this.onError(error);
      return;
    }
    this.onWake();
  }
}
