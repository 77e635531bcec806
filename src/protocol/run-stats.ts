/**
 * Our `supervise/stats` (docs/node-runit.md, "Run statistics"): what a Supervisor counts about its
 * service's runs, as JSON, because runit's 20-byte record has no room for a restart count or an
 * exit code. The file is one fixed-size record rewritten in place (no `.new` + rename: each rename
 * over an old inode costs a synchronous discard on some disks, issue 22), so a reader can catch a
 * write half done; the record carries its sequence number at both ends and a reader retries until
 * the two agree (client/supervise-dir.ts). Pure codec: runsv/run-stats.ts keeps and writes the
 * figures. A reader that finds no file (real runit) has no stats.
 */

/** The format's version; a reader ignores a file whose version it does not know. */
export const RUN_STATS_VERSION = 1;

/** A run counts as short when it lasted less than this; several in a row make a crash loop. */
export const SHORT_RUN_MILLIS = 10_000;

/** This many short runs in a row, each ended by the service itself, is a crash loop. */
export const CRASH_LOOP_RUNS = 3;

/** How one run of `./run` ended. */
export interface RunExit {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal number that ended it, or 0. */
  signal: number;
  /** Wall-clock ms when the supervisor saw it end. */
  at: number;
  /** How long that run lasted, in ms (monotonic). */
  runMillis: number;
}

export interface RunStats {
  version: number;
  /**
   * The pid of the run in progress, 0 when none: a reader compares it with the status record's
   * to know the two files describe the same moment (they are two writes, not one).
   */
  pid: number;
  /** Wall-clock ms when this supervisor started: `restarts` counts from here. */
  supervisorSince: number;
  /** Starts of `./run` by this supervisor after its first one (any cause: crash, `sv restart`, `sv up`). */
  restarts: number;
  /** Starts of `./run` by every supervisor of this directory that kept the file: survives a supervisor restart. */
  totalStarts: number;
  /** The last run that ended, by this supervisor or an earlier one (survives a restart); null when none did. */
  lastExit: RunExit | null;
  /** Runs in a row that ended by themselves within SHORT_RUN_MILLIS (reset by a longer run or a requested stop). */
  shortRuns: number;
}

export function emptyRunStats(supervisorSince: number): RunStats {
  return { version: RUN_STATS_VERSION, pid: 0, supervisorSince, restarts: 0, totalStarts: 0, lastExit: null, shortRuns: 0 };
}

/** The figures as one line of JSON (what the record frames, and what earlier versions wrote alone). */
export function formatRunStats(stats: RunStats): string {
  return `${JSON.stringify(stats)}\n`;
}

/** Every record is this long, so a rewrite in place covers the whole of the one before. */
export const RUN_STATS_RECORD_BYTES = 512;
const SEQUENCE_DIGITS = 12;
const SEQUENCE_LIMIT = 10 ** SEQUENCE_DIGITS;
/** `SEQ JSON<spaces> SEQ\n`: the sequence number in fixed-width decimal at both ends. */
const FRAMED = new RegExp(`^\\d{${SEQUENCE_DIGITS}} `);
const RECORD_SHAPE = new RegExp(`^(\\d{${SEQUENCE_DIGITS}}) ([^\\n]*) (\\d{${SEQUENCE_DIGITS}})\\n$`);

/**
 * The file's record: the JSON padded with spaces to RUN_STATS_RECORD_BYTES, between two copies of
 * `sequence`, which the writer changes with every record. A read that overlaps a write sees the
 * ends differ (or, from a file of another shape, the wrong length) and reads again.
 */
export function formatRunStatsRecord(stats: RunStats, sequence: number): string {
  const seq = String(sequence % SEQUENCE_LIMIT).padStart(SEQUENCE_DIGITS, '0');
  const json = JSON.stringify(stats);
  // Every field is a bounded integer: the JSON is under 300 bytes, ASCII only.
  return `${seq} ${json.padEnd(RUN_STATS_RECORD_BYTES - 2 * SEQUENCE_DIGITS - 3)} ${seq}\n`;
}

/** Whether `text` is a record caught half written: framed like one, but not a whole one. */
export function isTornRunStatsRecord(text: string): boolean {
  if (!FRAMED.test(text)) return false; // an older version's bare JSON line, or not ours
  const match = RECORD_SHAPE.exec(text);
  return text.length !== RUN_STATS_RECORD_BYTES || match === null || match[1] !== match[3];
}

/** The JSON a whole record frames; the text itself when it is not framed (an older version's file). */
function unframe(text: string): string | undefined {
  if (!FRAMED.test(text)) return text;
  if (isTornRunStatsRecord(text)) return undefined;
  return RECORD_SHAPE.exec(text)![2];
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseExit(value: unknown): RunExit | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'object') return undefined;
  const exit = value as Record<string, unknown>;
  const code = exit['code'];
  if (!(code === null || isCount(code)) || !isCount(exit['signal']) || !isCount(exit['at']) || !isCount(exit['runMillis'])) return undefined;
  return { code, signal: exit['signal'], at: exit['at'], runMillis: exit['runMillis'] };
}

/**
 * Decodes the file's text (a record, or the bare JSON line of earlier versions); undefined for
 * anything that is not whole version-1 figures (torn, foreign, newer).
 */
export function parseRunStats(text: string): RunStats | undefined {
  const json = unframe(text);
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined; // not ours, or not JSON: the same as no file
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record['version'] !== RUN_STATS_VERSION) return undefined;
  const lastExit = parseExit(record['lastExit']);
  const { pid, supervisorSince, restarts, totalStarts, shortRuns } = record;
  if (lastExit === undefined || !isCount(pid) || !isCount(supervisorSince) || !isCount(restarts) || !isCount(totalStarts) || !isCount(shortRuns)) {
    return undefined;
  }
  return { version: RUN_STATS_VERSION, pid, supervisorSince, restarts, totalStarts, lastExit, shortRuns };
}

/**
 * Whether the service is crash-looping now: the last CRASH_LOOP_RUNS runs were all short, and the
 * current run (if any) has not yet outlived SHORT_RUN_MILLIS.
 */
/**
 * Whether `stats` and a status record read beside it describe the same moment: the statistics
 * are written just before the record, so a reader between the two writes sees them disagree.
 */
export function isRunStatsCurrent(stats: RunStats, state: 'down' | 'run' | 'finish', pid: number): boolean {
  return stats.pid === (state === 'run' ? pid : 0);
}

export function isCrashLoop(stats: RunStats, isRunning: boolean, uptimeMillis: number): boolean {
  if (stats.shortRuns < CRASH_LOOP_RUNS) return false;
  return !(isRunning && uptimeMillis >= SHORT_RUN_MILLIS);
}
