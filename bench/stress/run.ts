/**
 * `npm run stress`: issue 14's figures, on demand (never in CI). Each scenario runs against our
 * programs and real runit side by side where that makes sense, at the issue's sizes unless told
 * smaller; prints a Markdown table (with the machine, commit, load and sizes) and writes it as JSON.
 * Nothing here passes or fails a build: a figure that misses its target is marked, and the exit
 * code is 1, so a run by hand says at once that something needs a look.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { currentLoad, machineFacts } from '../lib/machine.js';
import { closeAllScopes } from '../lib/scope.js';
import { SIDES, type Finding, type SideName, type StressContext } from './common.js';
import { parseStressArgs, type StressOptions } from './options.js';
import { formatStressReport, type StressReport } from './report.js';
import { STRESS_SCENARIOS } from './scenarios.js';

function log(message: string): void {
  process.stderr.write(`stress: ${message}\n`);
}

function isAsked(options: StressOptions, side: SideName): boolean {
  return options.sides === undefined || options.sides.some((asked) => side === asked || side.startsWith(`${asked}-`));
}

async function runAll(options: StressOptions): Promise<number> {
  const report: StressReport = { machine: machineFacts(), sizes: options.sizes, scenarios: [], findings: [] };
  for (const scenario of STRESS_SCENARIOS) {
    if (options.only !== undefined && !options.only.includes(scenario.name)) continue;
    const started = Date.now();
    log(`${scenario.name}: ${scenario.what}`);
    const context: StressContext = {
      sizes: options.sizes,
      sides: (candidates) => candidates.filter((side) => isAsked(options, side)).map((side) => SIDES[side]),
      record: (finding) => {
        const full: Finding = { scenario: scenario.name, ...finding };
        report.findings.push(full);
        log(`${scenario.name} ${full.side}: ${full.metric}: ${full.value}${full.isOk === false ? '  <-- MISSED' : ''}`);
      },
      log: (message) => log(`${scenario.name}: ${message}`),
    };
    try {
      await scenario.run(context);
    } catch (error) {
      report.findings.push({ scenario: scenario.name, side: 'harness', metric: 'harness error', value: error instanceof Error ? error.message : String(error), isOk: false });
      log(`${scenario.name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    report.scenarios.push({ name: scenario.name, what: scenario.what, seconds: Math.round((Date.now() - started) / 1000) });
  }
  report.machine.loadAtEnd = currentLoad();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
  const markdown = formatStressReport(report);
  writeFileSync(options.out.replace(/(\.json)?$/, '.md'), markdown);
  process.stdout.write(markdown);
  log(`results: ${options.out}`);
  return report.findings.some((finding) => finding.isOk === false) ? 1 : 0;
}

// An interrupted run still stops what it started, unmounts its disks and removes its dirs.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what the stress run started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

let options: StressOptions | undefined;
try {
  options = parseStressArgs(process.argv.slice(2), STRESS_SCENARIOS.map((scenario) => scenario.name));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 100;
}
if (options !== undefined) process.exitCode = await runAll(options);
