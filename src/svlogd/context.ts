/**
 * What every part of one svlogd engine shares: its settings, the clock, the file-system calls
 * (injectable, so tests can make a write fail) and runit's message shapes (SVL-21). Nothing here
 * is process-global, so several engines can live in one process.
 */
import * as nodeFs from 'node:fs';
import type { Clock } from '../clock.js';
import { errorText } from '../errors.js';

/** The synchronous file calls svlogd makes; `node:fs` in production, wrapped in fault tests. */
export type LogFs = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'fchmodSync'
  | 'chmodSync'
  | 'fstatSync'
  | 'statSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'readdirSync'
  | 'readFileSync'
>;

export const realFs: LogFs = nodeFs;

/** How long runit sleeps after a `pausing:` message before it retries. */
export const PAUSE_MILLIS = 3000;

export interface SvlogdContext {
  readonly fs: LogFs;
  readonly clock: Clock;
  readonly isVerbose: boolean;
  /** `-l`: bytes of a line that are replaced, matched and copied to stderr/UDP. */
  readonly lineMax: number;
  /** `-b`: size of each directory's write buffer. */
  readonly bufferSize: number;
  /** Where relative log directory names are resolved (svlogd's start-up directory). */
  readonly cwd: string;
  /** The processor's environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Standard error: diagnostics and lines selected with `e`. */
  readonly writeStderr: (data: string | Uint8Array) => void;
  /** Called when a processor exits, so the engine's wait ends. */
  readonly onProcessorExit: () => void;
}

export function warn(ctx: SvlogdContext, text: string): void {
  ctx.writeStderr(`svlogd: warning: ${text}\n`);
}

/** `M0: M1: ERR` (or `M0: ERR` without M1), the shape of runit's warn/warn2. */
export function errorMessage(m0: string, m1: string | undefined, error: unknown): string {
  return m1 === undefined ? `${m0}: ${errorText(error)}` : `${m0}: ${m1}: ${errorText(error)}`;
}

export function info(ctx: SvlogdContext, text: string): void {
  if (ctx.isVerbose) ctx.writeStderr(`svlogd: info: ${text}\n`);
}

/** runit's pause1/pause2: say why, then wait before the caller retries. */
export function pause(ctx: SvlogdContext, m0: string, m1: string | undefined, error: unknown): Promise<void> {
  ctx.writeStderr(`svlogd: pausing: ${errorMessage(m0, m1, error)}\n`);
  return new Promise((resolve) => ctx.clock.setTimer(PAUSE_MILLIS, resolve));
}

/** Runs `action` until it succeeds, pausing with runit's message after each failure. */
export async function retry<T>(ctx: SvlogdContext, m0: string, m1: string | undefined, action: () => T): Promise<T> {
  for (;;) {
    try {
      return action();
    } catch (error) {
      await pause(ctx, m0, m1, error);
    }
  }
}

/** close(2) whose result runit ignores. */
export function closeQuietly(ctx: SvlogdContext, fd: number): void {
  try {
    ctx.fs.closeSync(fd);
  } catch {
    // nothing to report
  }
}

export function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
