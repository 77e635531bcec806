/**
 * The last lines of svlogd directories: `current` and the rotated `@TAI64N.s`/`.u` files before
 * it (their names sort in time order), merged across services by their stamps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineStampMillis, type LogSource } from './log-source.js';

export interface LogLine {
  /** The service's name. */
  service: string;
  /** The line as svlogd wrote it, stamp included, without its newline. */
  line: string;
  /** The stamp's wall-clock ms, when the line has one. */
  at?: number;
}

/** svlogd's rotated files: `@` + 24 hex digits + `.s` or `.u` (27 bytes), oldest first. */
export function rotatedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.length === 27 && name.startsWith('@') && (name.endsWith('.s') || name.endsWith('.u')))
    .sort();
}

export const CURRENT = 'current';

function readLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return []; // rotated away or pruned since the listing: its lines are elsewhere or gone
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: '' or a line still being written
  return lines;
}

/** The last `count` lines of one source's `files` (default: rotated ones, then current), oldest first. */
export function tailSource(source: LogSource, count: number, files?: readonly string[]): LogLine[] {
  if (source.logDir === undefined || count <= 0) return [];
  files ??= [...rotatedFiles(source.logDir), CURRENT];
  const lines: string[] = [];
  for (let i = files.length - 1; i >= 0 && lines.length < count; i--) lines.unshift(...readLines(join(source.logDir, files[i]!)));
  return lines.slice(-count).map((line) => toLogLine(source, line));
}

export function toLogLine(source: LogSource, line: string): LogLine {
  const at = lineStampMillis(line, source.stamps);
  return at === undefined ? { service: source.name, line } : { service: source.name, line, at };
}

/**
 * Lines of several services in time order. A line without a stamp keeps the time of the line
 * before it in its own service, so each service's lines stay in file order.
 */
export function mergeByTime(perService: readonly LogLine[][]): LogLine[] {
  const keyed: Array<{ line: LogLine; key: number; service: number; index: number }> = [];
  perService.forEach((lines, service) => {
    let key = 0;
    lines.forEach((line, index) => {
      key = line.at ?? key;
      keyed.push({ line, key, service, index });
    });
  });
  keyed.sort((a, b) => a.key - b.key || a.service - b.service || a.index - b.index);
  return keyed.map((entry) => entry.line);
}

/** `logs -n N`: the last N lines of each source, merged. */
export function tailLogs(sources: readonly LogSource[], count: number): LogLine[] {
  return mergeByTime(sources.map((source) => tailSource(source, count)));
}
