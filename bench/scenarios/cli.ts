/**
 * CLI: whole-process time of short commands (spawn to exit), ours against runit's C programs,
 * with `node -e 0` as the floor every Node CLI pays. Folded in from chpst's own bench/chpst.ts.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Impl } from '../lib/impl.js';
import { alternate, metric, samplesOf, type Context, type Metric, type Scenario } from '../lib/scenario.js';
import { superviseSleeper } from '../lib/single.js';

interface Command {
  metric: Metric;
  /** The program both sides provide, and its arguments. */
  program: string;
  args: string[];
}

function timeOnce(file: string, args: readonly string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(file, args, { stdio: 'ignore', env, timeout: 20_000 });
  const elapsed = performance.now() - start;
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status ?? result.signal}`);
  return elapsed;
}

async function run(ctx: Context): Promise<Metric[]> {
  const floor: number[] = [];
  const commands: Command[] = [
    { metric: metric('chpst true', 'ms', 'lower'), program: 'chpst', args: ['true'] },
    {
      // Issue 6's measure: within 1.2x of Node's floor.
      metric: metric('chpst -u nobody true', 'ms', 'lower', {
        references: { 'node -e 0': floor },
        goal: { kind: 'reference-ratio-at-most', reference: 'node -e 0', value: 1.2 },
      }),
      program: 'chpst',
      args: ['-u', 'nobody', 'true'],
    },
  ];
  const svStatus = metric('sv status (one service)', 'ms', 'lower');
  const whyNoSv = ctx.ours.whyNot(['sv']) ?? ctx.runit.whyNot(['sv', 'runsv']);
  if (whyNoSv === undefined) {
    // Both sv's ask the same (real) runsv: only the client differs.
    const { dir } = await superviseSleeper(ctx.scope, { label: 'runsv', impl: ctx.runit, isInProcess: false }, 'cli');
    commands.push({ metric: svStatus, program: 'sv', args: ['status', dir] });
  } else {
    svStatus.note = `skipped: ${whyNoSv}`;
  }
  const sides: Array<Impl | 'node'> = [ctx.ours, ctx.runit, 'node'];
  for (const command of commands) for (const impl of [ctx.ours, ctx.runit]) timeOnce(impl.bin(command.program), command.args, impl.env); // warm caches
  await alternate(ctx.rounds, sides, async (side) => {
    if (side === 'node') {
      floor.push(timeOnce(process.execPath, ['-e', '0'], ctx.ours.env));
      return;
    }
    for (const command of commands) samplesOf(command.metric, side).push(timeOnce(side.bin(command.program), command.args, side.env));
  });
  return [...commands.map((command) => command.metric), ...(whyNoSv === undefined ? [] : [svStatus])];
}

export const cli: Scenario = {
  name: 'cli',
  title: 'whole-process time of sv status and chpst, against node -e 0 and the C programs',
  needs: ['chpst'],
  rounds: { normal: 30, quick: 2 },
  run,
};
