/**
 * memory-logged-runsv: memory-logged in runit's topology on both sides (runsvdir, a runsv process
 * per service, each running its log service): ours with the recognised log services run by the
 * svlogd engine inside each runsv (one Node process per logged service), ours with svlogd as a
 * process of its own (NODE_RUNIT_INLINE_LOGS=0: two), and runit's. Small N: every runsv of ours
 * is a Node runtime. The figure that matters is the cost of one more logged service.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { footprintKiB } from '../lib/footprint.js';
import type { Impl } from '../lib/impl.js';
import { alternate, metric, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, type Variant } from '../lib/sleepers.js';

const SETTLE_MS = 1500;

interface Side {
  key: 'inline' | 'process' | 'runit';
  variant: Variant;
}

function withEnv(impl: Impl, env: NodeJS.ProcessEnv): Impl {
  return { ...impl, env: { ...impl.env, ...env } };
}

async function measure(ctx: Context, variant: Variant, count: number): Promise<number | undefined> {
  return withScope(async (scope) => {
    const { tree } = await startSleeperTree(scope, variant, count, true);
    await sleep(SETTLE_MS);
    const pids = tree.supervisingPids();
    const footprint = footprintKiB(pids);
    ctx.log(`${variant.impl.name} ${variant.label} N=${count} logged: ${pids.length} processes, ${footprint ?? '?'} KiB footprint`);
    await tree.stop();
    return footprint;
  });
}

async function run(ctx: Context): Promise<Metric[]> {
  const counts = ctx.options.isQuick ? [2, 4] : [5, 15];
  const sides: Side[] = [
    { key: 'inline', variant: { label: 'runsv per service, log in runsv', impl: ctx.ours, mode: 'default' } },
    { key: 'process', variant: { label: 'runsv per service, svlogd process', impl: withEnv(ctx.ours, { NODE_RUNIT_INLINE_LOGS: '0' }), mode: 'default' } },
    { key: 'runit', variant: { label: 'runsvdir', impl: ctx.runit, mode: 'default' } },
  ];
  const samples = new Map<string, number[]>();
  for (const count of counts) {
    await alternate(ctx.rounds, sides, async (side) => {
      const value = await measure(ctx, side.variant, count);
      if (value === undefined) return;
      const key = `${side.key} ${count}`;
      samples.set(key, [...(samples.get(key) ?? []), value]);
    });
  }
  const [base, top] = [counts[0]!, counts[counts.length - 1]!];
  const slope = (key: Side['key']): number[] => {
    const low = samples.get(`${key} ${base}`) ?? [];
    return (samples.get(`${key} ${top}`) ?? []).map((value, round) => (value - low[round]!) / (top - base));
  };
  const runit = slope('runit');
  return [
    metric(`footprint per extra logged service (N=${base}→${top}), runsv per service, log in runsv`, 'KiB', 'lower', { ours: slope('inline'), runit }),
    metric(`footprint per extra logged service (N=${base}→${top}), runsv per service, svlogd process`, 'KiB', 'lower', { ours: slope('process'), runit }),
    metric(`N=${top} logged: footprint total, runsv per service, log in runsv`, 'KiB', 'lower', {
      ours: samples.get(`inline ${top}`) ?? [],
      runit: samples.get(`runit ${top}`) ?? [],
    }),
  ];
}

export const memoryLoggedRunsv: Scenario = {
  name: 'memory-logged-runsv',
  title: "footprint per logged service in runit's topology: the log service inside runsv, or svlogd as a process",
  needs: ['runsvdir', 'runsv', 'svlogd'],
  rounds: { normal: 2, quick: 1 },
  run,
};
