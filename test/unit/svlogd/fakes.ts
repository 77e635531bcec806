// Test doubles for the svlogd engine: a hand-driven clock, input from memory, failing fs calls.
import * as fs from 'node:fs';
import type { Clock } from '../../../src/clock.js';
import { tai64nFromMillis } from '../../../src/protocol/tai64n.js';
import type { LogFs } from '../../../src/svlogd/context.js';
import type { InputSource } from '../../../src/svlogd/input.js';

export class FakeClock implements Clock {
  private millis = 0;
  private calls = 0;
  private timers: { at: number; callback: () => void }[] = [];

  monotonicMillis(): number {
    return this.millis;
  }

  /** Wall time moves a microsecond per call, so successive rotated names differ. */
  now() {
    this.calls++;
    return tai64nFromMillis(1_795_436_320_000 + this.millis + this.calls / 1000);
  }

  setTimer(millis: number, callback: () => void): () => void {
    const timer = { at: this.millis + millis, callback };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Milliseconds until the earliest timer fires; undefined when none is set. */
  get nextTimerIn(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((t) => t.at)) - this.millis;
  }

  advance(millis: number): void {
    this.millis += millis;
    const due = this.timers.filter((t) => t.at <= this.millis);
    this.timers = this.timers.filter((t) => t.at > this.millis);
    for (const timer of due) timer.callback();
  }
}

/** Input pushed by the test; records the sizes the engine asks for. */
export class MemoryInput implements InputSource {
  error: unknown;
  readonly asked: number[] = [];
  private queue: (Uint8Array | null)[] = [];
  private deliver: ((chunk: Uint8Array | null) => void) | undefined;
  private max = 0;

  push(text: string | null): void {
    this.queue.push(text === null ? null : Buffer.from(text, 'latin1'));
    this.serve();
  }

  read(max: number): Promise<Uint8Array | null> {
    this.setMax(max);
    const pending = new Promise<Uint8Array | null>((resolve) => (this.deliver = resolve));
    this.serve();
    return pending;
  }

  setMax(max: number): void {
    this.max = max;
    this.asked.push(max);
  }

  close(): void {}

  private serve(): void {
    if (this.deliver === undefined || this.queue.length === 0) return;
    let chunk = this.queue[0]!;
    if (chunk !== null && chunk.length > this.max) {
      this.queue[0] = chunk.subarray(this.max);
      chunk = chunk.subarray(0, this.max);
    } else {
      this.queue.shift();
    }
    const deliver = this.deliver;
    this.deliver = undefined;
    deliver(chunk);
  }
}

/** node:fs with writeSync failing with the given codes, one per call, before it works again. */
export function failingWrites(codes: string[]): LogFs {
  const queue = [...codes];
  return {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      const code = queue.shift();
      if (code !== undefined) throw Object.assign(new Error(code), { code });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
  };
}
