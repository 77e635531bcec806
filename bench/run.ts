/**
 * `npm run bench`: every scenario against our programs and real runit, alternately, several
 * rounds; prints medians and ours/runit ratios with the machine's facts, and writes them as JSON
 * (and a Markdown table next to it). Not a test: nothing here passes or fails on speed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from './lib/args.js';
import { withTimeLimit } from './lib/bounded.js';
import { OURS, RUNIT } from './lib/impl.js';
import { currentLoad, machineFacts } from './lib/machine.js';
import { formatMarkdown, formatText, resultOf, type BenchReport, type ScenarioResult } from './lib/report.js';
import { SkipError, type BenchOptions, type Scenario } from './lib/scenario.js';
import { closeAllScopes, withScope } from './lib/scope.js';
import { SCENARIOS } from './scenarios/index.js';

/** Every step inside a scenario has its own deadline; this one catches a scenario that loops. */
const limitMs = (rounds: number): number => 120_000 * (rounds + 1);

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const base = { name: scenario.name, title: scenario.title, metrics: [] };
  const seconds = (): number => Math.round((performance.now() - started) / 100) / 10;
  const reason = OURS.whyNot(scenario.needs) ?? RUNIT.whyNot(scenario.needs);
  if (reason !== undefined) return { ...base, status: 'skipped', reason, seconds: 0 };
  const rounds = options.rounds ?? (options.isQuick ? scenario.rounds.quick : scenario.rounds.normal);
  log(`${scenario.name}: ${scenario.title} (${rounds} rounds)`);
  try {
    const metrics = await withScope((scope) =>
      withTimeLimit(scenario.name, limitMs(rounds), scenario.run({ options, rounds, ours: OURS, runit: RUNIT, log: (line) => log(`  ${line}`), scope })),
    );
    return { ...base, status: 'ok', reason: null, seconds: seconds(), metrics: metrics.map(resultOf) };
  } catch (error) {
    if (error instanceof SkipError) return { ...base, status: 'skipped', reason: error.message, seconds: seconds() };
    log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error), seconds: seconds() };
  }
}

async function main(args: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(args, SCENARIOS.map((s) => s.name));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 100;
  }
  const machine = machineFacts();
  const report: BenchReport = {
    machine,
    options: { isQuick: options.isQuick, rounds: options.rounds ?? null, only: options.only ?? null },
    scenarios: [],
  };
  for (const scenario of SCENARIOS) {
    if (options.only !== undefined && !options.only.includes(scenario.name)) continue;
    const result = await runScenario(scenario, options);
    if (result.status !== 'ok') log(`${scenario.name}: ${result.status}: ${result.reason}`);
    report.scenarios.push(result);
  }
  machine.loadAtEnd = currentLoad();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(options.out.replace(/(\.json)?$/, '.md'), formatMarkdown(report));
  process.stdout.write(formatText(report));
  log(`results: ${options.out}`);
  return report.scenarios.some((s) => s.status === 'failed') ? 1 : 0;
}

// An interrupted run still stops what it started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what the bench started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

process.exitCode = await main(process.argv.slice(2));
