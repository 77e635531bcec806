/**
 * s6's `timeout-kill` and `timeout-finish`: a SIGKILL for a service that outlives its stop
 * signal by `timeout-kill` ms (after `d`, `x` or a tree stop), and for a `./finish` that runs
 * longer than `timeout-finish` ms. One deadline per child, dropped when the child dies.
 */
import type { Clock } from '../clock.js';
import type { Want } from './record.js';

export interface StopTimeoutEffects {
  signal(pid: number, signal: NodeJS.Signals): void;
}

export class StopTimeouts {
  readonly #effects: StopTimeoutEffects;
  readonly #clock: Clock;
  readonly #timeoutKill: number;
  readonly #timeoutFinish: number;
  /** pid -> cancel of its pending SIGKILL. */
  readonly #pending = new Map<number, () => void>();

  constructor(effects: StopTimeoutEffects, clock: Clock, timeoutKill: number, timeoutFinish: number) {
    this.#effects = effects;
    this.#clock = clock;
    this.#timeoutKill = timeoutKill;
    this.#timeoutFinish = timeoutFinish;
  }

  /** A stop signal went to `pid`: with want down or exit, the kill deadline starts (once). */
  stopSent(pid: number, want: Want): void {
    if (this.#timeoutKill > 0 && want !== 'up') this.#arm(pid, this.#timeoutKill);
  }

  finishStarted(pid: number): void {
    if (this.#timeoutFinish > 0) this.#arm(pid, this.#timeoutFinish);
  }

  exited(pid: number): void {
    this.#pending.get(pid)?.();
    this.#pending.delete(pid);
  }

  #arm(pid: number, millis: number): void {
    if (pid <= 0 || this.#pending.has(pid)) return;
    const cancel = this.#clock.setTimer(millis, () => {
      this.#pending.delete(pid);
      this.#effects.signal(pid, 'SIGKILL');
    });
    this.#pending.set(pid, cancel);
  }
}
