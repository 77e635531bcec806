/** start-up: 100 services, from spawning runsvdir until every status says running. */
import { alternate, metric, samplesOf, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, treeVariants } from '../lib/sleepers.js';

async function run(ctx: Context): Promise<Metric[]> {
  const count = ctx.options.isQuick ? 10 : 100;
  const { variants, note } = treeVariants(ctx.ours, ctx.runit);
  const runit = variants.find((v) => v.impl.name === 'runit')!;
  const metrics = new Map(
    variants
      .filter((v) => v.impl.name === 'ours')
      .map((v) => [v.label, metric(`${count} services all running, ${v.label}`, 'ms', 'lower', note === undefined ? {} : { note })]),
  );
  await alternate(ctx.rounds, variants, async (v) => {
    const ms = await withScope(async (scope) => {
      const { tree, startMs } = await startSleeperTree(scope, v, count);
      await tree.stop();
      return startMs;
    });
    // runit's one sample per round is the reference for each of our modes.
    for (const [label, m] of metrics) if (v === runit || label === v.label) samplesOf(m, v.impl).push(ms);
  });
  return [...metrics.values()];
}

export const startup: Scenario = {
  name: 'start-up',
  title: '100 services: from runsvdir start to all running',
  needs: ['runsv'],
  rounds: { normal: 3, quick: 1 },
  run,
};
