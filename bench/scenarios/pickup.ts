/**
 * pick-up: a complete service directory renamed into the scanned directory (the atomic way to
 * add a service); time until its status says running. runit notices at its next 5-second scan,
 * so each sample starts at a random phase of that cycle: otherwise one sample right after
 * another would always wait a whole cycle.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { alternate, metric, PerVariant, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { treeVariants, type Variant } from '../lib/sleepers.js';
import { isRunning, waitStatus } from '../lib/status.js';
import { makeSleeper } from '../lib/supervise.js';
import { startTree } from '../lib/tree.js';

const RUNIT_SCAN_MS = 5000;

async function run(ctx: Context): Promise<Metric[]> {
  const { variants } = treeVariants(ctx.ours, ctx.runit);
  const pickup = new PerVariant(variants, (v) => metric(`new dir → running, ${v.label}`, 'ms', 'lower', { goal: { kind: 'ours-at-most', value: 100 } }));
  // One idle tree per variant for the whole scenario, each over its own (empty) scan directory.
  const scanDirs = new Map<Variant, string>();
  for (const v of variants) {
    const scanDir = ctx.scope.tempDir(`pickup-${v.impl.name}`);
    startTree(ctx.scope, v.impl, scanDir, v.mode);
    scanDirs.set(v, scanDir);
  }
  const staging = ctx.scope.tempDir('pickup-staging');
  let serial = 0;
  await alternate(ctx.rounds, variants, async (v) => {
    await sleep(Math.random() * (ctx.options.isQuick ? 500 : RUNIT_SCAN_MS));
    const name = `new${serial++}`;
    const staged = makeSleeper(join(staging, name));
    const target = join(scanDirs.get(v)!, name);
    const start = performance.now();
    renameSync(staged, target);
    const seen = await waitStatus(target, `${v.impl.name} ${v.label}: ${name} running`, isRunning, 20_000);
    pickup.push(v, seen.at - start);
  });
  return pickup.list();
}

export const pickup: Scenario = {
  name: 'pick-up',
  title: 'a new service dir renamed into the scanned dir; time until it runs',
  needs: ['runsvdir', 'runsv'],
  rounds: { normal: 5, quick: 1 },
  run,
};
