/**
 * `watchdog` with `notify-socket`: systemd's WatchdogSec. ./run gets WATCHDOG_USEC; an instance
 * that lets that long pass without `WATCHDOG=1` (counted from its start, then from each ping) is
 * sent SIGABRT, systemd's default WatchdogSignal, and then restarts like any death.
 * `WATCHDOG=trigger` fires it at once.
 */
import type { Clock } from '../clock.js';
import type { Notice } from './notice.js';

export interface WatchdogEffects {
  signal(pid: number, signal: NodeJS.Signals): void;
  warn(text: string): void;
}

export class Watchdog {
  readonly #effects: WatchdogEffects;
  readonly #clock: Clock;
  readonly #millis: number;
  #pid = 0;
  #cancel: (() => void) | undefined;

  constructor(effects: WatchdogEffects, clock: Clock, millis: number) {
    this.#effects = effects;
    this.#clock = clock;
    this.#millis = millis;
  }

  started(pid: number): void {
    this.#pid = pid;
    if (pid > 0) this.#arm(this.#millis);
  }

  noticed(pid: number, notice: Notice): void {
    if (pid !== this.#pid || pid <= 0) return;
    if (notice.isWatchdogTrigger) this.#arm(0);
    else if (notice.isWatchdogPing) this.#arm(this.#millis);
  }

  /** `MAINPID=` was followed: the time-out now watches `pid`. */
  followed(pid: number): void {
    if (this.#pid > 0) this.#pid = pid;
  }

  exited(pid: number): void {
    if (pid !== this.#pid) return;
    this.#pid = 0;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #arm(millis: number): void {
    this.#cancel?.();
    this.#cancel = this.#clock.setTimer(millis, () => {
      this.#cancel = undefined;
      this.#effects.warn(`watchdog timeout, sending SIGABRT to ${this.#pid}`);
      this.#effects.signal(this.#pid, 'SIGABRT');
    });
  }
}
