/**
 * memory: N sleeping services under runsvdir; the PSS (smaps_rollup) of the supervising
 * processes only — runsvdir and its runsv children, not the services — in total and per extra
 * service (the slope from the smallest N, within the same round).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pssKiB } from '../lib/procfs.js';
import { alternate, metric, type Context, type Goal, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, treeVariants, type Variant } from '../lib/sleepers.js';

/** A Node process per service costs ~25 MB PSS each: beyond this, runit's topology is not run for ours. */
const OURS_DEFAULT_MAX = 100;
/** Lets start-up garbage be collected and lazily touched pages settle before measuring. */
const SETTLE_MS = 1500;

function goalFor(variant: Variant, count: number): Goal | undefined {
  if (variant.mode !== 'in-process') return undefined;
  if (count >= 1000) return { kind: 'ratio-at-most', value: 0.5 };
  if (count >= 500) return { kind: 'ratio-at-most', value: 1 };
  return undefined;
}

async function measure(ctx: Context, variant: Variant, count: number): Promise<number> {
  return withScope(async (scope) => {
    const { tree } = await startSleeperTree(scope, variant, count);
    await sleep(SETTLE_MS);
    const pids = tree.supervisingPids();
    const total = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
    ctx.log(`${variant.impl.name} ${variant.label} N=${count}: ${pids.length} supervising processes, ${Math.round(total)} KiB PSS`);
    await tree.stop();
    return total;
  });
}

async function run(ctx: Context): Promise<Metric[]> {
  const counts = ctx.options.isQuick ? [3, 10] : [10, 100, 500, 1000];
  const { variants, note } = treeVariants(ctx.ours, ctx.runit);
  const runit = variants.find((v) => v.impl.name === 'runit')!;
  const mine = variants.filter((v) => v.impl.name === 'ours');
  const oursDefaultMax = ctx.options.isQuick ? 10 : OURS_DEFAULT_MAX;
  // totals[variant][count] = one sample per round.
  const totals = new Map<Variant, Map<number, number[]>>();
  const record = (v: Variant, count: number, value: number): void => {
    const byCount = totals.get(v) ?? new Map<number, number[]>();
    totals.set(v, byCount);
    byCount.set(count, [...(byCount.get(count) ?? []), value]);
  };
  for (const count of counts) {
    const runnable = variants.filter((v) => !(v.impl.name === 'ours' && v.mode !== 'in-process' && count > oursDefaultMax));
    await alternate(ctx.rounds, runnable, async (v) => record(v, count, await measure(ctx, v, count)));
  }
  const metrics: Metric[] = [];
  const base = counts[0]!;
  const runitTotals = totals.get(runit)!;
  for (const v of mine) {
    const mineTotals = totals.get(v) ?? new Map<number, number[]>();
    for (const count of mineTotals.keys()) {
      const m = metric(`N=${count}: PSS total, ${v.label}`, 'KiB', 'lower', { ours: mineTotals.get(count)!, runit: runitTotals.get(count) ?? [] });
      const goal = goalFor(v, count);
      if (goal !== undefined) m.goal = goal;
      if (note !== undefined && metrics.length === 0) m.note = note;
      metrics.push(m);
    }
    const top = [...mineTotals.keys()].filter((count) => count > base).pop();
    if (top === undefined) continue;
    const slope = (byCount: Map<number, number[]>): number[] =>
      (byCount.get(top) ?? []).map((value, round) => (value - byCount.get(base)![round]!) / (top - base));
    const perService = metric(`per extra service (N=${base}→${top}), ${v.label}`, 'KiB', 'lower', { ours: slope(mineTotals), runit: slope(runitTotals) });
    if (top < counts[counts.length - 1]!) perService.note = `not run above N=${top}: a Node process per service`;
    metrics.push(perService);
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
