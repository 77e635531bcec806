/**
 * Status changes as an async iterable, driven by inotify (fs.watch) on `supervise/` — no polling
 * while nothing changes. Events are debounced (go-runit uses 25 ms); after each quiet period the
 * record is re-read and yielded only if it differs from the last one yielded, so bursts coalesce
 * and rewrites with identical bytes never duplicate. The watchers are set up before the first
 * read, so a change between that read and the first event cannot be missed.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { RunitError } from '../errors.js';
import type { Flavour } from './flavours.js';
import { StatusReader, mapIoError, toStatus, type Status } from './status.js';
import { errnoCode, isNormallyUp } from './supervise-io.js';

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
  const logDir = `${dir}/log`;
  const last = new Uint8Array(130);
  const next = new Uint8Array(130);
  let lastLength = -1;

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
      open(`${dir}/supervise`);
      open(dir); // `down` appearing or vanishing changes "normally up"
      if (existsSync(`${logDir}/supervise`)) open(`${logDir}/supervise`);
    } catch (error) {
      throw mapIoError(error, dir, 'supervise');
    }
    for (;;) {
      if (!pending && failure === undefined && !signal?.aborted) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (signal?.aborted) return;
      if (failure !== undefined) throw new RunitError('ERR_SYS', `${dir}: watch failed`, { cause: failure });
      pending = false;
      const length = fingerprint(dir, logDir, reader, logReader, next);
      if (length < 0) continue; // no record yet: runsv writes it just after opening control
      if (length === lastLength && equalBytes(last, next, length)) continue;
      last.set(next.subarray(0, length));
      lastLength = length;
      const status = toStatus(reader.record, flavour, next[0] === 1, Date.now());
      if (length > 66) status.log = toStatus(logReader.record, flavour, next[66] === 1, Date.now());
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
  dir: string,
  logDir: string,
  reader: StatusReader,
  logReader: StatusReader,
  out: Uint8Array,
): number {
  let length: number;
  try {
    length = reader.readRecord(dir, false);
  } catch (error) {
    if (errnoCode((error as { cause?: unknown }).cause) === 'ENOENT') return -1;
    throw error;
  }
  out[0] = isNormallyUp(dir) ? 1 : 0;
  out[1] = length;
  out.set(reader.rawView(length), 2);
  out.fill(0, 2 + length, 66);
  if (!existsSync(`${logDir}/supervise/status`)) return 66;
  try {
    const logLength = logReader.readRecord(logDir, false);
    out[66] = isNormallyUp(logDir) ? 1 : 0;
    out[67] = logLength;
    out.set(logReader.rawView(logLength), 68);
    return 68 + logLength;
  } catch {
    return 66;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
