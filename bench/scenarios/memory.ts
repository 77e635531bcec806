/**
 * memory: N sleeping services under runsvdir; the PSS (smaps_rollup) of the supervising
 * processes only — runsvdir and its runsv children, not the services — in total and per extra
 * service (the slope from the smallest N, within the same round).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { footprintKiB } from '../lib/footprint.js';
import { pssKiB } from '../lib/procfs.js';
import { alternate, metric, type Context, type Goal, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, treeVariants, type Variant } from '../lib/sleepers.js';

/** A Node process per service costs ~25 MB PSS each: beyond this, runit's topology is not run for ours. */
const OURS_DEFAULT_MAX = 100;
/** Lets start-up garbage be collected and lazily touched pages settle before measuring. */
const SETTLE_MS = 1500;

/**
 * Issue 22's goals, on the footprint (PSS moves with whatever other Node processes share Node's
 * pages): the host alone at most 36 MiB; at 500 services at most runit's tree, at 1000 half.
 */
function goalFor(variant: Variant, count: number): Goal | undefined {
  if (variant.mode !== 'in-process') return undefined;
  if (count === 0) return { kind: 'ours-at-most', value: 36 * 1024 };
  if (count >= 1000) return { kind: 'ratio-at-most', value: 0.5 };
  if (count >= 500) return { kind: 'ratio-at-most', value: 1 };
  return undefined;
}

/** Issue 22's goal for runit's topology: each extra service (a runsv process) at most 4 MiB. */
const DEFAULT_TOPOLOGY_PER_SERVICE: Goal = { kind: 'ours-at-most', value: 4 * 1024 };

interface Sample {
  pss: number;
  /** Undefined when page frames are hidden (not root). */
  footprint: number | undefined;
}

async function measure(ctx: Context, variant: Variant, count: number): Promise<Sample> {
  return withScope(async (scope) => {
    const { tree } = await startSleeperTree(scope, variant, count);
    await sleep(SETTLE_MS);
    const pids = tree.supervisingPids();
    const pss = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
    const footprint = footprintKiB(pids);
    ctx.log(`${variant.impl.name} ${variant.label} N=${count}: ${pids.length} supervising processes, ${Math.round(pss)} KiB PSS, ${footprint ?? '?'} KiB footprint`);
    await tree.stop();
    return { pss, footprint };
  });
}

const MEASURES = [
  { key: 'pss', label: 'PSS' },
  { key: 'footprint', label: 'footprint' },
] as const;

async function run(ctx: Context): Promise<Metric[]> {
  // N=0: the host (or runsvdir) alone; the per-service slope starts at the next N.
  const counts = ctx.options.isQuick ? [0, 3, 10] : [0, 10, 100, 500, 1000];
  const { variants, note } = treeVariants(ctx.ours, ctx.runit);
  const runit = variants.find((v) => v.impl.name === 'runit')!;
  const mine = variants.filter((v) => v.impl.name === 'ours');
  const oursDefaultMax = ctx.options.isQuick ? 10 : OURS_DEFAULT_MAX;
  // samples[variant][count] = one sample per round.
  const samples = new Map<Variant, Map<number, Sample[]>>();
  const record = (v: Variant, count: number, value: Sample): void => {
    const byCount = samples.get(v) ?? new Map<number, Sample[]>();
    samples.set(v, byCount);
    byCount.set(count, [...(byCount.get(count) ?? []), value]);
  };
  for (const count of counts) {
    const runnable = variants.filter((v) => !(v.impl.name === 'ours' && v.mode !== 'in-process' && count > oursDefaultMax));
    await alternate(ctx.rounds, runnable, async (v) => record(v, count, await measure(ctx, v, count)));
  }
  const metrics: Metric[] = [];
  const base = counts[1]!;
  for (const measure of MEASURES) {
    const values = (v: Variant, count: number): number[] =>
      (samples.get(v)?.get(count) ?? []).map((sample) => sample[measure.key]).filter((value): value is number => value !== undefined);
    for (const v of mine) {
      const measured = [...(samples.get(v)?.keys() ?? [])];
      for (const count of measured) {
        const m = metric(`N=${count}: ${measure.label} total, ${v.label}`, 'KiB', 'lower', { ours: values(v, count), runit: values(runit, count) });
        const goal = measure.key === 'footprint' ? goalFor(v, count) : undefined;
        if (goal !== undefined) m.goal = goal;
        if (note !== undefined && metrics.length === 0) m.note = note;
        metrics.push(m);
      }
      const top = measured.filter((count) => count > base).pop();
      if (top === undefined) continue;
      // Per round, so both ends of the slope come from the same conditions.
      const slope = (side: Variant): number[] => values(side, top).map((value, round) => (value - values(side, base)[round]!) / (top - base));
      const perService = metric(`${measure.label} per extra service (N=${base}→${top}), ${v.label}`, 'KiB', 'lower', { ours: slope(v), runit: slope(runit) });
      if (top < counts[counts.length - 1]!) perService.note = `not run above N=${top}: a Node process per service`;
      if (measure.key === 'footprint' && v.mode !== 'in-process') perService.goal = DEFAULT_TOPOLOGY_PER_SERVICE;
      metrics.push(perService);
    }
  }
  return metrics;
}

export const memory: Scenario = {
  name: 'memory',
  title: 'PSS of the supervising processes for N sleeping services (services excluded)',
  needs: ['runsv'],
  rounds: { normal: 2, quick: 1 },
  run,
};
