/**
 * Our extension, `sv -j`: one JSON object per service on stdout instead of sv's line, built from
 * the client's typed Status. `status` gives the status; every other command gives its result
 * (`sent`, or after a wait `ok`, `timeout`, `kill`) with the status it ended on; fail and
 * warning lines are objects with an `error`. Exit codes count failures as in SV-15.
 */
import { StatusReader, type RunStatistics, type Status } from '../client/status.js';
import { RunitError } from '../errors.js';
import type { HeldFds } from '../protocol/held-fds.js';
import type { SvContext } from './context.js';

interface JsonStatus {
  service: string;
  state?: string;
  pid?: number;
  seconds?: number;
  since?: string;
  paused?: boolean;
  want?: string;
  gotTerm?: boolean;
  normallyUp?: boolean;
  /** Our supervisor's run statistics (supervise/stats); absent under real runit. */
  stats?: RunStatistics;
  /** Our extensions (docs/extensions.md), present only for a service that uses them. */
  ready?: boolean;
  readySince?: string;
  restartAt?: string;
  restartDelay?: number;
  crashes?: number;
  statusText?: string;
  mainPid?: number;
  /** `listen` / `fdstore-max`: the descriptors held for the service (supervise/fds). */
  fds?: HeldFds;
  log?: JsonStatus | { error: { code: string; message: string } } | null;
  error?: { code: string; message: string };
}

function fields(service: string, status: Status): JsonStatus {
  const line: JsonStatus = {
    service,
    state: status.state,
    pid: status.pid,
    seconds: status.uptime,
    since: status.since.toISOString(),
    paused: status.isPaused,
    want: status.want,
    gotTerm: status.gotTerm,
    normallyUp: status.normallyUp,
    ...(status.stats === undefined ? {} : { stats: status.stats }),
  };
  if (status.ready !== undefined) line.ready = status.ready;
  if (status.readySince !== undefined) line.readySince = status.readySince.toISOString();
  if (status.backoff !== undefined) {
    line.restartAt = status.backoff.restartAt.toISOString();
    line.restartDelay = status.backoff.delay;
    line.crashes = status.backoff.crashes;
  }
  if (status.notes?.statusText !== undefined) line.statusText = status.notes.statusText;
  if (status.notes?.mainPid !== undefined) line.mainPid = status.notes.mainPid;
  if (status.fds !== undefined) line.fds = status.fds;
  return line;
}

function errorOf(error: unknown): { code: string; message: string } {
  return error instanceof RunitError
    ? { code: error.code, message: error.message }
    : { code: 'ERR_SYS', message: String(error) };
}

/** What a command did to one service, in -j mode. */
export type CommandResult = 'sent' | 'ok' | 'timeout' | 'kill';

/** Runs with the service directory as cwd: `{service, command, result, status}`. */
export function resultJson(sv: SvContext, result: CommandResult): void {
  let status: JsonStatus | { error: { code: string; message: string } };
  try {
    status = fields(sv.service, new StatusReader('runit').read(sv.supervise, { nowMillis: sv.nowMillis, withLog: false }));
  } catch (error) {
    status = { error: errorOf(error) };
  }
  sv.flush(`${JSON.stringify({ service: sv.service, command: sv.commandWord, result, status })}\n`);
}

/** Runs with the service directory as cwd. */
export function statusJson(sv: SvContext): void {
  let line: JsonStatus;
  try {
    const status = new StatusReader('runit').read(sv.supervise, { nowMillis: sv.nowMillis });
    line = fields(sv.service, status);
    if (status.log !== undefined) line.log = fields('log', status.log);
    else if (status.logError !== undefined) line.log = { error: errorOf(status.logError) };
    else line.log = null;
  } catch (error) {
    sv.rc++;
    line = { service: sv.service, error: errorOf(error) };
  }
  sv.flush(`${JSON.stringify(line)}\n`);
}
