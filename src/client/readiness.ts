/**
 * Readiness as a reader sees it (docs/extensions.md): for runit, our `supervise/ready`, valid
 * only for the instance the status record shows (its stamp is not older than the record's
 * start); for s6, the record's own flag and ready stamp. Also the held restart of
 * `restart-backoff` and what a notify-socket service said about itself.
 */
import { parseHeldFds, type HeldFds } from '../protocol/held-fds.js';
import { isAtOrAfter, parseBackoffFile, parseReadyFile } from '../protocol/readiness.js';
import { STATE_RUN, type StatusRecord } from '../protocol/status.js';
import type { Tai64n } from '../protocol/tai64n.js';
import type { SuperviseDir } from './supervise-dir.js';

export interface ReadinessFields {
  /** undefined: the service declares no readiness (runit: no notification-fd / notify-socket). */
  ready: boolean | undefined;
  readySince: Date | undefined;
}

export function dateOf(stamp: Tai64n): Date {
  return new Date(stamp.seconds * 1000 + Math.floor(stamp.nanoseconds / 1e6));
}

/** The readiness of the instance `record` shows, from `supervise/ready`. */
export function readRunitReadiness(dir: SuperviseDir, record: StatusRecord): ReadinessFields {
  if (!dir.declaresReadiness()) return { ready: undefined, readySince: undefined };
  const stamp = readyStamp(dir, record);
  return stamp === undefined ? { ready: false, readySince: undefined } : { ready: true, readySince: dateOf(stamp) };
}

/** The ready stamp when `supervise/ready` belongs to the running instance `record` shows. */
export function readyStamp(dir: SuperviseDir, record: StatusRecord): Tai64n | undefined {
  if (record.state !== STATE_RUN || record.pid === 0) return undefined;
  const text = dir.readExtension('ready');
  const stamp = text === undefined ? undefined : parseReadyFile(text);
  return stamp !== undefined && isAtOrAfter(stamp, record.since) ? stamp : undefined;
}

export interface BackoffFields {
  /** When a restart held back by `restart-backoff` is due. */
  restartAt: Date;
  /** The delay chosen (ms) and the deaths in a row it counts. */
  delay: number;
  crashes: number;
}

/** The held restart, when the record shows the service down with want up. */
export function readBackoff(dir: SuperviseDir, record: StatusRecord): BackoffFields | undefined {
  if (record.state === STATE_RUN || record.want !== 'up') return undefined;
  const text = dir.readExtension('backoff');
  const info = text === undefined ? undefined : parseBackoffFile(text);
  return info && { restartAt: dateOf(info.restartAt), delay: info.delay, crashes: info.crashes };
}

export interface ServiceNotesFields {
  /** `STATUS=` of a notify-socket service. */
  statusText?: string;
  /** `MAINPID=` of a notify-socket service. */
  mainPid?: number;
}

export function readNotes(dir: SuperviseDir): ServiceNotesFields | undefined {
  const text = dir.readExtension('notes');
  if (text === undefined) return undefined;
  const notes: ServiceNotesFields = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('STATUS=')) notes.statusText = line.slice(7);
    else if (line.startsWith('MAINPID=')) notes.mainPid = Number(line.slice(8));
  }
  return notes;
}

/** `supervise/fds` (docs/extensions.md): the descriptors held for a `listen` / `fdstore-max` service. */
export function readHeldFds(dir: SuperviseDir): HeldFds | undefined {
  const text = dir.readExtension('fds', 'utf8');
  return text === undefined ? undefined : parseHeldFds(text);
}
