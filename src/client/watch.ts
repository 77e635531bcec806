/**
 * Status changes as an async iterable, driven by inotify (fs.watch) on `supervise/` — no polling
 * while nothing changes. Events are debounced (go-runit uses 25 ms); after each quiet period the
 * record is re-read and yielded only if it differs from the last one yielded, so bursts coalesce
 * and rewrites with identical bytes never duplicate. The watchers are set up before the first
 * read, so a change between that read and the first event cannot be missed.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { errorCode, RunitError } from '../errors.js';
import { SUPERVISE } from '../protocol/layout.js';
import type { Flavour } from './flavours.js';
import { StatusReader, addExtensions, mapIoError, readRunStatistics, toStatus, type Status } from './status.js';
import { SuperviseDir } from './supervise-dir.js';

export interface WatchOptions {
  flavour?: Flavour;
  /** Quiet period in ms before re-reading (default 25). */
  debounce?: number;
  /** Ends the iteration (cleanly, without an error) when aborted. */
  signal?: AbortSignal;
  /** Yield the current status first (default true). */
  initial?: boolean;
}

export async function* watchStatus(dir: string, options: WatchOptions = {}): AsyncGenerator<Status, void, undefined> {
  const flavour = options.flavour ?? 'runit';
  const debounce = options.debounce ?? 25;
  const { signal } = options;
  if (signal?.aborted) return;
  const reader = new StatusReader(flavour);
  const logReader = new StatusReader(flavour);
  const service = new SuperviseDir(dir);
  const logService = service.log();
  const last = new Uint8Array(130);
  const next = new Uint8Array(130);
  let lastLength = -1;
  /** Our extension files (ready, backoff, notes) as last yielded, for runit. */
  let lastExtensions = '';

  let pending = options.initial ?? true;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const poke = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onChange = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      pending = true;
      poke();
    }, debounce);
  };
  const watchers: FSWatcher[] = [];
  const open = (path: string): void => {
    const watcher = watch(path, { persistent: true });
    watcher.on('change', onChange);
    watcher.on('error', (error) => {
      failure = error;
      poke();
    });
    watchers.push(watcher);
  };
  signal?.addEventListener('abort', poke);
  try {
    try {
      open(service.path(SUPERVISE));
      open(dir); // `down` appearing or vanishing changes "normally up"
      if (logService.exists()) open(logService.path(SUPERVISE));
    } catch (error) {
      throw mapIoError(error, service, SUPERVISE);
    }
    for (;;) {
      if (!pending && failure === undefined && !signal?.aborted) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (signal?.aborted) return;
      if (failure !== undefined) throw new RunitError('ERR_SYS', `${dir}: watch failed`, { cause: failure });
      pending = false;
      const length = fingerprint(service, logService, reader, logReader, next);
      if (length < 0) continue; // no record yet: runsv writes it just after opening control
      const nowMillis = Date.now();
      const status = toStatus(reader.record, flavour, next[0] === 1, nowMillis);
      if (flavour === 'runit') addExtensions(status, service, reader.record);
      const extensions = flavour === 'runit' ? JSON.stringify([status.ready, status.readySince, status.backoff, status.notes]) : '';
      if (length === lastLength && equalBytes(last, next, length) && extensions === lastExtensions) continue;
      last.set(next.subarray(0, length));
      lastLength = length;
      lastExtensions = extensions;
      // Written before the record that shows the change (runsv/run-stats.ts): at least as new.
      const stats = flavour === 'runit' ? readRunStatistics(service, status, nowMillis) : undefined;
      if (stats !== undefined) status.stats = stats;
      if (length > 66) status.log = toStatus(logReader.record, flavour, next[66] === 1, nowMillis);
      yield status;
    }
  } finally {
    signal?.removeEventListener('abort', poke);
    if (timer !== undefined) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  }
}

/**
 * Everything a yielded Status depends on, as bytes: [normallyUp, record...] for the service and,
 * from offset 66, the same for the log service. Returns the used length, -1 while no record exists.
 */
function fingerprint(
  service: SuperviseDir,
  logService: SuperviseDir,
  reader: StatusReader,
  logReader: StatusReader,
  out: Uint8Array,
): number {
  let length: number;
  try {
    length = reader.readRecord(service, false);
  } catch (error) {
    if (isMissing(error)) return -1;
    throw error;
  }
  out[0] = service.isNormallyUp() ? 1 : 0;
  out[1] = length;
  out.set(reader.rawView(length), 2);
  out.fill(0, 2 + length, 66);
  if (!existsSync(logService.file('status'))) return 66;
  let logLength: number;
  try {
    logLength = logReader.readRecord(logService, false);
  } catch (error) {
    // The log's record vanished between the check and the read (its directory was removed).
    if (isMissing(error)) return 66;
    throw error;
  }
  out[66] = logService.isNormallyUp() ? 1 : 0;
  out[67] = logLength;
  out.set(logReader.rawView(logLength), 68);
  return 68 + logLength;
}

function isMissing(error: unknown): boolean {
  return errorCode((error as { cause?: unknown }).cause) === 'ENOENT';
}

function equalBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
