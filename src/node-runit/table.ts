/**
 * The `ls` table: one line per service, columns a person reads at a glance, in colour for a
 * terminal and plain for a pipe. Unknown figures (real runit keeps no statistics) print as `-`.
 */
import { constants } from 'node:os';
import type { ServiceView } from './services.js';

const HEADERS = ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST EXIT', 'CPU', 'MEM'] as const;

const ANSI = { reset: '\x1b[0m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m' } as const;
type Colour = keyof typeof ANSI;

/** 59s, 3m12s, 2h05m, 3d04h: two units at most, the way pm2 and docker show ages. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** 512B, 12.3K, 45.6M, 1.2G (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${units[unit]}`;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** `exit 3`, `SIGKILL`: how the last run ended. */
export function formatExit(code: number | null, signal: number): string {
  return code === null ? (SIGNAL_NAMES.get(signal) ?? `signal ${signal}`) : `exit ${code}`;
}

/** The STATE cell: the state, then what a person must notice (crash loop, paused, want). */
export function stateText(view: ServiceView): string {
  let text: string = view.state;
  if (view.stats?.isCrashLoop === true) text += ', crash loop';
  if (view.isPaused) text += ', paused';
  if (view.state === 'run' && view.want === 'down') text += ', want down';
  return text;
}

function stateColour(view: ServiceView): Colour | undefined {
  if (view.stats?.isCrashLoop === true || view.state === 'error') return 'red';
  if (view.state === 'run') return view.want === 'up' ? 'green' : 'yellow';
  if (view.state === 'finish') return 'yellow';
  if (view.state === 'unsupervised') return 'dim';
  return view.want === 'up' ? 'red' : 'dim';
}

function cells(view: ServiceView, nowMillis: number): string[] {
  const exit = view.stats?.lastExit;
  const isLive = view.state === 'run' || view.state === 'finish';
  return [
    view.name,
    stateText(view),
    view.pid > 0 ? String(view.pid) : '-',
    view.state === 'unsupervised' || view.state === 'error' ? '-' : formatDuration(view.uptime),
    view.stats === undefined ? '-' : String(view.stats.restarts),
    exit === undefined || exit === null ? '-' : `${formatExit(exit.code, exit.signal)}, ${formatDuration((nowMillis - exit.at) / 1000)} ago`,
    isLive && view.cpuSeconds !== undefined ? `${view.cpuSeconds.toFixed(2)}s` : '-',
    isLive && view.memoryBytes !== undefined ? formatBytes(view.memoryBytes) : '-',
  ];
}

export interface TableOptions {
  /** ANSI colours (for a terminal). */
  isColour: boolean;
  /** Wall-clock ms for "ago" (default Date.now()). */
  nowMillis?: number;
}

/** The table as text, a header line and one line per service, each ending in a newline. */
export function formatTable(views: readonly ServiceView[], options: TableOptions): string {
  const nowMillis = options.nowMillis ?? Date.now();
  const rows = [HEADERS.slice(), ...views.map((view) => cells(view, nowMillis))];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const paint = (text: string, colour: Colour | undefined): string =>
    options.isColour && colour !== undefined ? `${ANSI[colour]}${text}${ANSI.reset}` : text;
  return rows
    .map((row, index) => {
      const view = index === 0 ? undefined : views[index - 1];
      const line = row.map((cell, column) => {
        const padded = column === row.length - 1 ? cell : cell.padEnd(widths[column]!);
        if (index === 0) return paint(padded, 'bold');
        if (column === 1) return paint(padded, stateColour(view!));
        if (column === 4 && view!.stats !== undefined && view!.stats.restarts > 0) return paint(padded, 'yellow');
        return padded;
      });
      return `${line.join('  ').trimEnd()}\n`;
    })
    .join('');
}
