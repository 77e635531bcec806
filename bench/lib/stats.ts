/** Order statistics over a handful of samples: medians are what the report compares. */

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const middle = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[middle]! : (s[middle - 1]! + s[middle]!) / 2;
}

/** The nearest-rank 90th percentile: with few samples it is the largest but one or two. */
export function p90(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
}

export interface Summary {
  median: number;
  p90: number;
  n: number;
  samples: number[];
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), p90: p90(values), n: values.length, samples: [...values] };
}

/** ours/runit of the medians; undefined when either side is missing or runit's is zero. */
export function ratioOf(ours: readonly number[], runit: readonly number[]): number | undefined {
  if (ours.length === 0 || runit.length === 0) return undefined;
  const base = median(runit);
  return base === 0 ? undefined : median(ours) / base;
}
