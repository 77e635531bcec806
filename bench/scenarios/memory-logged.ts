/**
 * memory-logged: N sleeping services, each with a log service `exec svlogd -tt ./main`, as most
 * real trees are. The footprint (each physical page once) of everything but the services: for
 * runit, runsvdir, 2N runsv and N svlogd; for ours --in-process, the one process, which runs the
 * recognised log services with the svlogd engine itself (docs/runsvdir.md). Ours in the default
 * topology (a Node runsv per service, each running its log service) is measured at small N by
 * memory-logged-runsv: ~11 MiB a logged service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { footprintKiB } from '../lib/footprint.js';
import { pssKiB } from '../lib/procfs.js';
import { alternate, metric, type Context, type Goal, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, treeVariants, type Variant } from '../lib/sleepers.js';

const SETTLE_MS = 1500;

/** issue 16's goals, on the footprint: at most runit's at 200 logged services, half at 500. */
function goalFor(count: number): Goal | undefined {
  if (count >= 500) return { kind: 'ratio-at-most', value: 0.5 };
  if (count >= 200) return { kind: 'ratio-at-most', value: 1 };
  return undefined;
}

interface Sample {
  footprint: number | undefined;
  pss: number;
  processes: number;
}

async function measure(ctx: Context, variant: Variant, count: number): Promise<Sample> {
  return withScope(async (scope) => {
    const { tree } = await startSleeperTree(scope, variant, count, true);
    await sleep(SETTLE_MS);
    const pids = tree.supervisingPids();
    const sample = { footprint: footprintKiB(pids), pss: pids.reduce((sum, pid) => sum + pssKiB(pid), 0), processes: pids.length };
    ctx.log(`${variant.impl.name} ${variant.label} N=${count} logged: ${sample.processes} processes, ${sample.footprint ?? '?'} KiB footprint`);
    await tree.stop();
    return sample;
  });
}

async function run(ctx: Context): Promise<Metric[]> {
  const counts = ctx.options.isQuick ? [3, 10] : [10, 100, 200, 500];
  const { variants } = treeVariants(ctx.ours, ctx.runit);
  const runit = variants.find((v) => v.impl.name === 'runit' && v.mode === 'default');
  const ours = variants.find((v) => v.impl.name === 'ours' && v.mode === 'in-process');
  if (runit === undefined || ours === undefined) return [];
  const samples = new Map<Variant, Map<number, Sample[]>>([
    [runit, new Map()],
    [ours, new Map()],
  ]);
  for (const count of counts) {
    await alternate(ctx.rounds, [ours, runit], async (v) => {
      const byCount = samples.get(v)!;
      byCount.set(count, [...(byCount.get(count) ?? []), await measure(ctx, v, count)]);
    });
  }
  const values = (v: Variant, count: number, key: 'footprint' | 'pss'): number[] =>
    (samples.get(v)!.get(count) ?? []).map((sample) => sample[key]).filter((value): value is number => value !== undefined);
  const metrics: Metric[] = [];
  for (const count of counts) {
    const m = metric(`N=${count} logged: footprint total, --in-process`, 'KiB', 'lower', { ours: values(ours, count, 'footprint'), runit: values(runit, count, 'footprint') });
    const goal = goalFor(count);
    if (goal !== undefined) m.goal = goal;
    metrics.push(m);
  }
  const [base, top] = [counts[0]!, counts[counts.length - 1]!];
  const slope = (v: Variant): number[] =>
    values(v, top, 'footprint').map((value, round) => (value - values(v, base, 'footprint')[round]!) / (top - base));
  metrics.push(metric(`footprint per extra logged service (N=${base}→${top}), --in-process`, 'KiB', 'lower', { ours: slope(ours), runit: slope(runit) }));
  metrics.push(metric(`N=${top} logged: PSS total, --in-process`, 'KiB', 'lower', { ours: values(ours, top, 'pss'), runit: values(runit, top, 'pss') }));
  return metrics;
}

export const memoryLogged: Scenario = {
  name: 'memory-logged',
  title: 'footprint of the supervising and logging processes for N services with svlogd log services',
  needs: ['runsv', 'svlogd'],
  rounds: { normal: 2, quick: 1 },
  run,
};
