/**
 * `restart-backoff FIRST MAX`: after an unrequested death, ./run restarts after FIRST ms, then
 * twice that after each further death, up to MAX; an instance that stayed up MAX ms resets the
 * schedule. It replaces runit's one-second rule, and, unlike that rule's sleep, commands are
 * still obeyed while a restart is held (`d` keeps it down). A held restart is published in
 * `supervise/backoff`, which is removed when the restart happens.
 */
import type { Clock } from '../clock.js';
import type { BackoffInfo } from '../protocol/readiness.js';
import { tai64nFromMillis } from '../protocol/tai64n.js';
import type { Want } from './record.js';
import type { RestartBackoff } from './service-options.js';
import { wallMillis } from '../clock.js';

export interface BackoffEffects {
  writeBackoff(info: BackoffInfo | undefined): void;
}

export class Backoff {
  readonly #effects: BackoffEffects;
  readonly #clock: Clock;
  readonly #schedule: RestartBackoff;
  #startedAt = 0;
  #wasStopped = false;
  #crashes = 0;
  /** Monotonic ms at which the held restart may happen; 0: none held. */
  #heldUntil = 0;
  #cancelTimer: (() => void) | undefined;

  constructor(effects: BackoffEffects, clock: Clock, schedule: RestartBackoff) {
    this.#effects = effects;
    this.#clock = clock;
    this.#schedule = schedule;
  }

  /** The delay of the next restart after `crashes` deaths in a row. */
  static delayAfter(crashes: number, schedule: RestartBackoff): number {
    return Math.min(schedule.max, schedule.first * 2 ** Math.min(crashes - 1, 30));
  }

  started(): void {
    this.#startedAt = this.#clock.monotonicMillis();
    this.#wasStopped = false;
  }

  stopSent(): void {
    this.#wasStopped = true;
  }

  /** ./run died: an instance that stayed up MAX ms starts the schedule over. */
  exited(): void {
    if (this.#clock.monotonicMillis() - this.#startedAt >= this.#schedule.max) this.#crashes = 0;
  }

  /** After the death (and ./finish): holds the restart when the death was not asked for. */
  holdRestart(want: Want): void {
    if (want !== 'up' || this.#wasStopped) return;
    this.#crashes++;
    const delay = Backoff.delayAfter(this.#crashes, this.#schedule);
    this.#heldUntil = this.#clock.monotonicMillis() + delay;
    this.#effects.writeBackoff({
      restartAt: tai64nFromMillis(wallMillis(this.#clock) + delay),
      delay,
      crashes: this.#crashes,
    });
  }

  mayStart(recheck: () => void): boolean {
    if (this.#heldUntil === 0) return true;
    const left = this.#heldUntil - this.#clock.monotonicMillis();
    if (left <= 0) {
      this.#heldUntil = 0;
      this.#cancelTimer = undefined;
      this.#effects.writeBackoff(undefined);
      return true;
    }
    this.#cancelTimer ??= this.#clock.setTimer(left, () => {
      this.#cancelTimer = undefined;
      recheck();
    });
    return false;
  }
}
