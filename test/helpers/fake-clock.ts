import type { Clock } from '../../src/clock.js';
import type { Tai64n } from '../../src/protocol/tai64n.js';

/** A clock that moves only when the test says so; timers fire during `advance`. */
export class FakeClock implements Clock {
  private millis: number;
  private readonly timers: Array<{ at: number; callback: () => void }> = [];

  constructor(startWallMillis = 1_795_436_320_000) {
    this.millis = startWallMillis;
  }

  monotonicMillis(): number {
    return this.millis;
  }

  now(): Tai64n {
    const seconds = Math.floor(this.millis / 1000);
    return { seconds, nanoseconds: (this.millis - seconds * 1000) * 1_000_000 + 500 };
  }

  setTimer(millis: number, callback: () => void): () => void {
    const timer = { at: this.millis + millis, callback };
    this.timers.push(timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index !== -1) this.timers.splice(index, 1);
    };
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order. */
  advance(millis: number): void {
    const target = this.millis + millis;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > target) break;
      this.timers.shift();
      this.millis = next.at;
      next.callback();
    }
    this.millis = target;
  }
}

/** Lets every queued promise continuation and immediate run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
