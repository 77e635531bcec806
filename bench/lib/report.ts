/** Turning samples into the report: medians, ratios, goals; as JSON, a terminal table and Markdown. */
import type { MachineFacts } from './machine.js';
import type { Goal, Metric } from './scenario.js';
import { ratioOf, summarize, type Summary } from './stats.js';

export interface MetricResult {
  name: string;
  unit: string;
  better: 'lower' | 'higher';
  ours: Summary | null;
  runit: Summary | null;
  /** ours/runit of the medians. */
  ratio: number | null;
  goal: string | null;
  isGoalMet: boolean | null;
  references: Record<string, Summary>;
  note: string | null;
}

export interface ScenarioResult {
  name: string;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  reason: string | null;
  seconds: number;
  metrics: MetricResult[];
}

export interface BenchReport {
  machine: MachineFacts;
  options: { isQuick: boolean; rounds: number | null; only: string[] | null };
  scenarios: ScenarioResult[];
}

function describeGoal(goal: Goal, unit: string, references: Record<string, Summary>, ours: Summary | null): string {
  if (goal.kind === 'reference-ratio-at-most') {
    const ratio = referenceRatio(goal.reference, references, ours);
    return `≤ ${goal.value}x ${goal.reference}${ratio === null ? '' : ` (${ratio.toFixed(2)}x)`}`;
  }
  if (goal.kind === 'ratio-at-most') return `≤ ${goal.value}x`;
  if (goal.kind === 'ratio-at-least') return `≥ ${goal.value}x`;
  return `ours ≤ ${formatValue(goal.value, unit)}`;
}

function referenceRatio(name: string, references: Record<string, Summary>, ours: Summary | null): number | null {
  const reference = references[name];
  // A reference with no samples has a NaN median: no ratio, so the goal is unknown, not missed.
  return ours === null || reference === undefined || !(reference.median > 0) ? null : ours.median / reference.median;
}

function checkGoal(goal: Goal, ratio: number | null, ours: Summary | null, references: Record<string, Summary>): boolean | null {
  if (goal.kind === 'ours-at-most') return ours === null ? null : ours.median <= goal.value;
  if (goal.kind === 'reference-ratio-at-most') {
    const toReference = referenceRatio(goal.reference, references, ours);
    return toReference === null ? null : toReference <= goal.value;
  }
  if (ratio === null) return null;
  return goal.kind === 'ratio-at-most' ? ratio <= goal.value : ratio >= goal.value;
}

export function resultOf(m: Metric): MetricResult {
  const ours = m.ours.length > 0 ? summarize(m.ours) : null;
  const runit = m.runit.length > 0 ? summarize(m.runit) : null;
  const ratio = ratioOf(m.ours, m.runit) ?? null;
  const references: Record<string, Summary> = {};
  for (const [name, values] of Object.entries(m.references ?? {})) references[name] = summarize(values);
  return {
    name: m.name,
    unit: m.unit,
    better: m.better,
    ours,
    runit,
    ratio,
    goal: m.goal === undefined ? null : describeGoal(m.goal, m.unit, references, ours),
    isGoalMet: m.goal === undefined ? null : checkGoal(m.goal, ratio, ours, references),
    references,
    note: m.note ?? null,
  };
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'KiB' && value >= 10 * 1024) return `${(value / 1024).toFixed(1)} MiB`;
  if (unit === 'lines/s') return `${Math.round(value / 1000)} k/s`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function cell(summary: Summary | null, unit: string): string {
  return summary === null ? '–' : formatValue(summary.median, unit);
}

function goalCell(r: MetricResult): string {
  if (r.goal === null) return '';
  return `${r.goal} ${r.isGoalMet === null ? '?' : r.isGoalMet ? 'met' : 'missed'}`;
}

/** Rows of the table: one per metric, plus one per reference row (ours column only). */
function rows(report: BenchReport): string[][] {
  const out: string[][] = [];
  for (const s of report.scenarios) {
    if (s.status !== 'ok') {
      out.push([s.name, `${s.status}: ${s.reason ?? ''}`, '', '', '', '']);
      continue;
    }
    for (const r of s.metrics) {
      if (r.ours === null && r.runit === null) {
        out.push([s.name, r.name, r.note ?? 'no samples', '', '', '']);
        continue;
      }
      out.push([s.name, r.name, cell(r.ours, r.unit), cell(r.runit, r.unit), r.ratio === null ? '–' : `${r.ratio.toFixed(2)}x`, goalCell(r)]);
      for (const [name, ref] of Object.entries(r.references)) out.push([s.name, `  (${name})`, cell(ref, r.unit), '', '', '']);
    }
  }
  return out;
}

const HEADER = ['scenario', 'metric', 'ours', 'runit', 'ours/runit', 'goal'];

export function machineLine(m: MachineFacts): string {
  return (
    `${m.date}, ${m.cpus} × ${m.cpuModel}, ${m.memoryMiB} MiB, Linux ${m.kernel}, Node ${m.node}, runit ${m.runit}, ` +
    `commit ${m.commit}, load ${m.loadAtStart.toFixed(2)} → ${m.loadAtEnd?.toFixed(2) ?? '?'}`
  );
}

/** Notes of metrics that have samples (a metric without any shows its note in the table). */
function notes(report: BenchReport): string[] {
  const lines = report.scenarios.flatMap((s) =>
    s.metrics.filter((r) => r.note !== null && (r.ours !== null || r.runit !== null)).map((r) => `- ${s.name}: ${r.note}`),
  );
  return [...new Set(lines)];
}

export function formatText(report: BenchReport): string {
  const table = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((value, i) => value.padEnd(widths[i]!)).join('  ').trimEnd());
  const noted = notes(report);
  return [`machine: ${machineLine(report.machine)}`, '', ...lines, ...(noted.length > 0 ? ['', ...noted] : []), ''].join('\n');
}

export function formatMarkdown(report: BenchReport): string {
  const lines = [`Machine: ${machineLine(report.machine)}.`, '', `| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const row of rows(report)) lines.push(`| ${row.map((value) => value.replace(/\|/g, '\\|')).join(' | ')} |`);
  const noted = notes(report);
  if (noted.length > 0) lines.push('', ...noted);
  return lines.join('\n') + '\n';
}
