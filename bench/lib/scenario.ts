/** What a scenario is and what it hands back: named metrics with samples from both sides. */
import type { Impl } from './impl.js';
import type { Scope } from './scope.js';

export interface BenchOptions {
  /** Fewer rounds and smaller sizes: checks the harness, not the speed. */
  isQuick: boolean;
  /** Overrides each scenario's own round count. */
  rounds: number | undefined;
  only: string[] | undefined;
  /** Where the JSON goes; a .md table is written next to it. */
  out: string;
  /** Internal: this process is the worker for one scenario and writes its result there. */
  worker?: { name: string; result: string };
}

/** A goal from the issue, checked against the medians. */
export type Goal =
  | { kind: 'ratio-at-most'; value: number }
  | { kind: 'ratio-at-least'; value: number }
  | { kind: 'ours-at-most'; value: number }
  /** Ours against one of the metric's references (chpst against `node -e 0`, Node's floor). */
  | { kind: 'reference-ratio-at-most'; reference: string; value: number };

export interface Metric {
  name: string;
  unit: string;
  /** Which direction is an improvement: decides how a ratio reads. */
  better: 'lower' | 'higher';
  ours: number[];
  runit: number[];
  goal?: Goal;
  /** Extra rows measured the same way, e.g. `node -e 0` as the floor of a Node CLI. */
  references?: Record<string, number[]>;
  note?: string;
}

export interface Context {
  readonly options: BenchOptions;
  readonly rounds: number;
  readonly ours: Impl;
  readonly runit: Impl;
  /** Progress lines on stderr, so stdout keeps only the report. */
  log(line: string): void;
  /** A fresh scope (temp dirs, processes) that the runner closes after the scenario. */
  readonly scope: Scope;
}

export interface Scenario {
  name: string;
  /** One line for the report: what is measured. */
  title: string;
  /** Programs both sides need; a missing one skips the scenario with its reason. */
  needs: readonly string[];
  rounds: { normal: number; quick: number };
  run(ctx: Context): Promise<Metric[]>;
}

/** Thrown by a scenario that finds out late that it cannot run. */
export class SkipError extends Error {
  override readonly name = 'SkipError';
}

export function metric(name: string, unit: string, better: 'lower' | 'higher', extra: Partial<Metric> = {}): Metric {
  return { name, unit, better, ours: [], runit: [], ...extra };
}

export function samplesOf(m: Metric, impl: Impl): number[] {
  return impl.name === 'ours' ? m.ours : m.runit;
}

/**
 * Runs `body` for every round and side, alternating which side goes first, so a burst of load
 * on the shared machine (or a warm cache) does not favour one side.
 */
export async function alternate<T>(rounds: number, sides: readonly T[], body: (side: T, round: number) => Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) await body(side, round);
  }
}

/**
 * One metric per variant of ours (e.g. runsv processes, --in-process), each against the same
 * runit samples: a runit sample goes into every metric, an ours sample into its variant's.
 */
export class PerVariant<V extends { impl: Impl }> {
  private readonly metrics = new Map<V, Metric>();

  constructor(variants: readonly V[], make: (variant: V) => Metric) {
    for (const variant of variants) if (variant.impl.name === 'ours') this.metrics.set(variant, make(variant));
  }

  push(variant: V, value: number): void {
    for (const [mine, m] of this.metrics) if (variant.impl.name === 'runit' || mine === variant) samplesOf(m, variant.impl).push(value);
  }

  list(): Metric[] {
    return [...this.metrics.values()];
  }
}
