/**
 * One scenario in a process of its own. The runner starts a fresh worker per scenario so that
 * nothing one scenario leaves behind in the bench process — a heap grown by svlogd's 100 MB
 * checks makes every later fork() (and so every spawn being timed) tens of ms slower — skews the
 * next one.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { withTimeLimit } from './bounded.js';
import { OURS, RUNIT } from './impl.js';
import { resultOf, type ScenarioResult } from './report.js';
import { SkipError, type BenchOptions, type Scenario } from './scenario.js';
import { withScope } from './scope.js';

/** Every step inside a scenario has its own deadline; this one catches a scenario that loops. */
const limitMs = (rounds: number): number => 120_000 * (rounds + 1);

export const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

export function roundsFor(scenario: Scenario, options: BenchOptions): number {
  return options.rounds ?? (options.isQuick ? scenario.rounds.quick : scenario.rounds.normal);
}

function baseOf(scenario: Scenario): Pick<ScenarioResult, 'name' | 'title' | 'metrics'> {
  return { name: scenario.name, title: scenario.title, metrics: [] };
}

/** Runs the scenario here, in this process (the worker's side). */
export async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 100) / 10;
  const rounds = roundsFor(scenario, options);
  log(`${scenario.name}: ${scenario.title} (${rounds} rounds)`);
  try {
    const metrics = await withScope((scope) =>
      withTimeLimit(scenario.name, limitMs(rounds), scenario.run({ options, rounds, ours: OURS, runit: RUNIT, log: (line) => log(`  ${line}`), scope })),
    );
    return { ...baseOf(scenario), status: 'ok', reason: null, seconds: seconds(), metrics: metrics.map(resultOf) };
  } catch (error) {
    if (error instanceof SkipError) return { ...baseOf(scenario), status: 'skipped', reason: error.message, seconds: seconds() };
    log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ...baseOf(scenario), status: 'failed', reason: error instanceof Error ? error.message : String(error), seconds: seconds() };
  }
}

let current: ReturnType<typeof spawn> | undefined;

/** Asks the running worker (if any) to stop what it started; its own handler cleans up. */
export function stopWorker(): void {
  current?.kill('SIGTERM');
}

/**
 * Runs the scenario in a fresh worker process (the runner's side): `node run.js --worker NAME
 * --result FILE` plus the options. A worker that outlives its limit is TERMed (it cleans up),
 * then KILLed.
 */
export async function runInWorker(scenario: Scenario, options: BenchOptions, entry: string, resultFile: string): Promise<ScenarioResult> {
  const reason = OURS.whyNot(scenario.needs) ?? RUNIT.whyNot(scenario.needs);
  if (reason !== undefined) return { ...baseOf(scenario), status: 'skipped', reason, seconds: 0 };
  const args = [entry, '--worker', scenario.name, '--result', resultFile, ...(options.isQuick ? ['--quick'] : [])];
  if (options.rounds !== undefined) args.push('--rounds', String(options.rounds));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  current = child;
  const grace = setTimeout(() => child.kill('SIGTERM'), limitMs(roundsFor(scenario, options)) + 60_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), limitMs(roundsFor(scenario, options)) + 120_000);
  const code = await new Promise<number | string | null>((resolve) => {
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal));
    child.on('error', () => resolve('spawn error'));
  });
  clearTimeout(grace);
  clearTimeout(kill);
  current = undefined;
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8')) as ScenarioResult;
  } catch {
    return { ...baseOf(scenario), status: 'failed', reason: `worker exited ${code} without a result`, seconds: 0 };
  } finally {
    rmSync(resultFile, { force: true });
  }
}
