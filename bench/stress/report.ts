/** The stress run as Markdown: the machine line, the sizes run, then one row per figure. */
import type { MachineFacts } from '../lib/machine.js';
import type { Finding } from './common.js';
import type { StressSizes } from './options.js';

export interface StressReport {
  machine: MachineFacts;
  sizes: StressSizes;
  scenarios: Array<{ name: string; what: string; seconds: number }>;
  findings: Finding[];
}

function mark(isOk: boolean | undefined): string {
  if (isOk === undefined) return '';
  return isOk ? 'yes' : '**no**';
}

export function formatStressReport(report: StressReport): string {
  const m = report.machine;
  const lines = [
    `Machine: ${m.date}, ${m.cpus} × ${m.cpuModel}, ${m.memoryMiB} MiB, Linux ${m.kernel}, Node ${m.node}, runit ${m.runit}, commit ${m.commit}, load ${m.loadAtStart.toFixed(2)} → ${(m.loadAtEnd ?? 0).toFixed(2)}.`,
    '',
    `Sizes: ${Object.entries(report.sizes).map(([name, value]) => `${name} ${value}`).join(', ')}.`,
    '',
    '| scenario | seconds | what |',
    '|---|---|---|',
    ...report.scenarios.map((s) => `| ${s.name} | ${s.seconds} | ${s.what} |`),
    '',
    '| scenario | side | figure | value | target met |',
    '|---|---|---|---|---|',
    ...report.findings.map((f) => `| ${f.scenario} | ${f.side} | ${f.metric} | ${f.value} | ${mark(f.isOk)} |`),
    '',
  ];
  return lines.join('\n');
}
