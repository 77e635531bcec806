/**
 * `npm run bench`: every scenario against our programs and real runit, alternately, several
 * rounds; prints medians and ours/runit ratios with the machine's facts, and writes them as JSON
 * (and a Markdown table next to it). Not a test: nothing here passes or fails on speed.
 * Each scenario runs in a worker process of its own (this file again, with --worker).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/args.js';
import { currentLoad, machineFacts } from './lib/machine.js';
import { formatMarkdown, formatText, type BenchReport } from './lib/report.js';
import type { BenchOptions } from './lib/scenario.js';
import { closeAllScopes } from './lib/scope.js';
import { log, runInWorker, runScenario, stopWorker } from './lib/worker.js';
import { SCENARIOS } from './scenarios/index.js';

const ENTRY = fileURLToPath(import.meta.url);

async function runAll(options: BenchOptions): Promise<number> {
  const machine = machineFacts();
  const report: BenchReport = {
    machine,
    options: { isQuick: options.isQuick, rounds: options.rounds ?? null, only: options.only ?? null },
    scenarios: [],
  };
  const scratch = mkdtempSync(join(tmpdir(), 'node-runit-bench-results-'));
  process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
  try {
    for (const scenario of SCENARIOS) {
      if (options.only !== undefined && !options.only.includes(scenario.name)) continue;
      const result = await runInWorker(scenario, options, ENTRY, join(scratch, `${scenario.name}.json`));
      if (result.status !== 'ok') log(`${scenario.name}: ${result.status}: ${result.reason}`);
      report.scenarios.push(result);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  machine.loadAtEnd = currentLoad();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(options.out.replace(/(\.json)?$/, '.md'), formatMarkdown(report));
  process.stdout.write(formatText(report));
  log(`results: ${options.out}`);
  return report.scenarios.some((s) => s.status === 'failed') ? 1 : 0;
}

async function main(args: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(args, SCENARIOS.map((s) => s.name));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 100;
  }
  if (options.worker === undefined) return runAll(options);
  const scenario = SCENARIOS.find((s) => s.name === options.worker!.name)!;
  writeFileSync(options.worker.result, JSON.stringify(await runScenario(scenario, options)));
  return 0;
}

// An interrupted run still stops what it started: the worker its processes, the runner its worker.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what the bench started`);
    stopWorker();
    void closeAllScopes().finally(() => setTimeout(() => process.exit(130), 200));
  });
}

process.exitCode = await main(process.argv.slice(2));
