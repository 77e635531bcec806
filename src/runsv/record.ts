/**
 * One supervised service as runsv tracks it (RSV-7): the main service or its log service.
 */
import { formatPid, formatStat, packStatus, STATE_DOWN, type RunState } from '../protocol/status.js';
import type { Tai64n } from '../protocol/tai64n.js';

export type Want = 'up' | 'down' | 'exit';

export interface ChildExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** Signal number when killed by a signal, else 0. */
  signal: number;
}

/**
 * How a process we did not start ends, as far as anyone but its parent can tell: not by an exit
 * code, not by a known signal. ./finish gets `-1 0`.
 */
export const UNKNOWN_EXIT: ChildExit = { code: null, signal: 0 };

export interface ServiceRecord {
  readonly isLog: boolean;
  /** >0: a real child; <0: a start that failed to exec and is about to be "reaped"; 0: none. */
  pid: number;
  state: RunState;
  want: Want;
  isPaused: boolean;
  gotTerm: boolean;
  since: Tai64n;
  lastExit: ChildExit | undefined;
}

export function newRecord(isLog: boolean, isNormallyDown: boolean, since: Tai64n): ServiceRecord {
  return {
    isLog,
    pid: 0,
    state: STATE_DOWN,
    want: isNormallyDown ? 'down' : 'up',
    isPaused: false,
    gotTerm: false,
    since,
    lastExit: undefined,
  };
}

/** The pid other programs may see: a failed exec never had a process. */
export function visiblePid(record: ServiceRecord): number {
  return record.pid > 0 ? record.pid : 0;
}

export interface StatusFiles {
  /** Present only when the pid file is due (RSV-12). */
  pid: string | undefined;
  stat: string;
  status: Uint8Array;
}

export function statusFiles(record: ServiceRecord, isPidDue: boolean): StatusFiles {
  const pid = visiblePid(record);
  return {
    pid: isPidDue ? formatPid(pid) : undefined,
    stat: formatStat(record.state, record.isPaused, record.gotTerm, record.want),
    status: packStatus({
      since: record.since,
      pid,
      isPaused: record.isPaused,
      // The record has no byte for want exit: runsv writes it as `d` (RSV-9).
      want: record.want === 'up' ? 'up' : 'down',
      gotTerm: record.gotTerm,
      state: record.state,
    }),
  };
}
