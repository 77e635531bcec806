/** start-up: 100 services, from spawning runsvdir until every status says running. */
import { alternate, metric, PerVariant, type Context, type Goal, type Metric, type Scenario } from '../lib/scenario.js';
import { withScope } from '../lib/scope.js';
import { startSleeperTree, treeVariants, type Variant } from '../lib/sleepers.js';

async function run(ctx: Context): Promise<Metric[]> {
  const count = ctx.options.isQuick ? 10 : 100;
  const { variants, note } = treeVariants(ctx.ours, ctx.runit);
  // Issue 22's goals: the one process at most runit's time, a Node process per service 3x.
  const goal = (v: Variant): Goal => ({ kind: 'ratio-at-most', value: v.mode === 'in-process' ? 1 : 3 });
  const startup = new PerVariant(variants, (v) => metric(`${count} services all running, ${v.label}`, 'ms', 'lower', { goal: goal(v), ...(note !== undefined && { note }) }));
  await alternate(ctx.rounds, variants, async (v) => {
    const ms = await withScope(async (scope) => {
      const { tree, startMs } = await startSleeperTree(scope, v, count);
      await tree.stop();
      return startMs;
    });
    startup.push(v, ms);
  });
  return startup.list();
}

export const startup: Scenario = {
  name: 'start-up',
  title: '100 services: from runsvdir start to all running',
  needs: ['runsv'],
  rounds: { normal: 3, quick: 1 },
  run,
};
