/**
 * Every state change of a tree as events (`node-runit events`, the web page's live feed): one
 * inotify watch (fs.watch) per tree for services added and removed, and per service directory
 * and `supervise/`, like client/watch.ts, with the status re-read on each event. Only the files
 * are read, so a tree run by real runit works too. Where our supervisor keeps statistics
 * (supervise/stats), their counters make the events exact even when several transitions happen
 * between two reads: the missing ones are emitted, marked `inferred`.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { StatusReader, type Status } from '../client/status.js';
import { SUPERVISE } from '../protocol/layout.js';
import { isRunStatsCurrent } from '../protocol/run-stats.js';
import { listTrees } from './services.js';

export type TreeEventType = 'status' | 'added' | 'removed' | 'up' | 'ready' | 'exit' | 'restart' | 'backoff' | 'finish' | 'down' | 'want' | 'paused' | 'continued';

export interface TreeEvent {
  type: TreeEventType;
  service: string;
  /** ISO time the change was seen. */
  at: string;
  state?: string;
  pid?: number;
  want?: 'up' | 'down';
  /** exit: the code (null after a signal); known only where our supervisor keeps statistics. */
  code?: number | null;
  signal?: number;
  /** restart: the supervisor's restart count after it; status: the count now. */
  restarts?: number;
  /** status: the supervisor's total starts now (our statistics). */
  starts?: number;
  /** Not seen in a read of its own: deduced from the statistics' counters. */
  inferred?: true;
  /** backoff: when the held restart is due. */
  until?: string;
}

/** What a comparison needs of one read. */
export interface EventSnapshot {
  state: string;
  pid: number;
  want: 'up' | 'down';
  isPaused: boolean;
  starts: number | undefined;
  restarts: number | undefined;
  lastExit: { code: number | null; signal: number; at: number } | null | undefined;
  /** Readiness of the current instance (docs/extensions.md); undefined when not declared. */
  ready?: boolean | undefined;
  /** When a `restart-backoff` hold ends (ms since the epoch), while one holds. */
  backoffUntil?: number | undefined;
}

function snapshotOf(status: Status | undefined): EventSnapshot | undefined {
  if (status === undefined) return undefined;
  return {
    state: status.state,
    pid: status.pid,
    want: status.want,
    isPaused: status.isPaused,
    starts: status.stats?.totalStarts,
    restarts: status.stats?.restarts,
    lastExit: status.stats?.lastExit,
    ready: status.ready,
    backoffUntil: status.backoff?.restartAt.getTime(),
  };
}

/** The events between two reads of one service, in the order they happened. */
export function eventsBetween(service: string, before: EventSnapshot, after: EventSnapshot, at: string): TreeEvent[] {
  const events: TreeEvent[] = [];
  const push = (type: TreeEventType, extra: Partial<TreeEvent> = {}): void => void events.push({ type, service, at, ...extra });
  const wasRunning = before.state === 'run';
  const isRunning = after.state === 'run';
  const isNewRun = isRunning && (!wasRunning || before.pid !== after.pid);
  if (before.want !== after.want) push('want', { want: after.want });
  const exit = after.lastExit ?? undefined;
  const exitFields = (): Partial<TreeEvent> => (exit === undefined ? {} : { code: exit.code, signal: exit.signal });
  if (before.starts !== undefined && after.starts !== undefined && after.starts >= before.starts) {
    // Exact counts from the supervisor: runs started between the reads, and the ones that ended.
    const starts = after.starts - before.starts;
    const exits = starts + (wasRunning ? 1 : 0) - (isRunning ? 1 : 0);
    // A restarts count below the last one: a new supervisor, counting from 0 again.
    const base = (after.restarts ?? 0) < (before.restarts ?? 0) ? 0 : (before.restarts ?? 0);
    const restarts = Math.min(starts, (after.restarts ?? 0) - base);
    let exitsLeft = exits;
    const pushExit = (mark: Partial<TreeEvent>): void => {
      push('exit', exitsLeft === 1 ? { ...exitFields(), ...mark } : { inferred: true });
      exitsLeft--;
    };
    if (wasRunning && exitsLeft > 0) pushExit({});
    for (let run = 0; run < starts; run++) {
      const isLast = run === starts - 1;
      const mark: Partial<TreeEvent> = isLast && isNewRun ? { pid: after.pid } : { inferred: true };
      push('up', mark);
      // The first starts of the span may be a new supervisor's first; the rest are restarts.
      if (run >= starts - restarts) push('restart', { ...mark, restarts: (after.restarts ?? 0) - (starts - 1 - run) });
      if (exitsLeft > 0 && !(isLast && isRunning)) pushExit(isLast ? {} : { inferred: true });
    }
  } else {
    if (wasRunning && (!isRunning || before.pid !== after.pid)) push('exit');
    if (isNewRun) {
      push('up', { pid: after.pid });
      // Started again while it was wanted up all along: a crash or an `sv restart`, not an `sv up`.
      if (before.want === 'up' && after.want === 'up') push('restart');
    }
  }
  if (after.ready === true && isRunning && (before.ready !== true || isNewRun)) push('ready', { pid: after.pid });
  if (after.backoffUntil !== undefined && after.backoffUntil !== before.backoffUntil) push('backoff', { until: new Date(after.backoffUntil).toISOString() });
  if (after.state === 'finish' && before.state !== 'finish') push('finish', { pid: after.pid });
  if (after.state === 'down' && before.state !== 'down') push('down');
  if (after.isPaused !== before.isPaused) push(after.isPaused ? 'paused' : 'continued');
  return events;
}

export interface WatchTreeOptions {
  signal?: AbortSignal;
  /** A `status` event per service first (default false). */
  initial?: boolean;
  /** Re-read everything this often in ms, should an inotify event be lost (default 1000). */
  interval?: number;
}

const SETTLE_ATTEMPTS = 5;
/** Atomics.wait on this is a 1 ms pause (its value never changes). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

interface Watched {
  name: string;
  dir: string;
  last: EventSnapshot | undefined;
  watchers: FSWatcher[];
  /** supervise/ appears after the service does (runsv makes it): watched once it exists. */
  isSuperviseWatched: boolean;
}

/**
 * The tree's events as they happen, until `signal` aborts. Watches are in place when this
 * returns, so nothing that happens after the call is missed.
 */
export function watchTree(roots: readonly string[], options: WatchTreeOptions = {}): AsyncGenerator<TreeEvent, void, undefined> {
  const reader = new StatusReader('runit');
  const services = new Map<string, Watched>();
  const queue: TreeEvent[] = [];
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const now = (): string => new Date().toISOString();
  const read = (service: Watched): Status | undefined => {
    try {
      return reader.read(service.dir, { checkAlive: false, withLog: false });
    } catch {
      return undefined; // no supervisor yet, or gone: the next event reads again
    }
  };
  /**
   * A read whose statistics and record agree. Read between the statistics' write and the
   * record's, they disagree for the microseconds between two writes: look again a few times.
   */
  const readSettled = (service: Watched): { status: Status | undefined; isSettled: boolean } => {
    for (let attempt = 0; ; attempt++) {
      const status = read(service);
      if (status?.stats === undefined || isRunStatsCurrent(status.stats, status.state, status.pid)) return { status, isSettled: true };
      if (attempt === SETTLE_ATTEMPTS) return { status, isSettled: false };
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  };
  const refresh = (service: Watched): void => {
    if (!service.isSuperviseWatched) watchSupervise(service);
    const { status, isSettled } = readSettled(service);
    if (!isSettled) return; // the record's own write wakes us again
    const next = snapshotOf(status);
    if (next === undefined) return;
    if (service.last !== undefined) queue.push(...eventsBetween(service.name, service.last, next, now()));
    service.last = next;
    if (queue.length > 0) poke();
  };
  const watchSupervise = (service: Watched): void => {
    const path = join(service.dir, SUPERVISE);
    if (!existsSync(path)) return;
    try {
      const watcher = watch(path, { persistent: false });
      service.isSuperviseWatched = true;
      watcher.on('change', () => refresh(service));
      watcher.on('error', () => undefined); // the directory went away: 'removed' follows
      service.watchers.push(watcher);
    } catch {
      // removed meanwhile
    }
  };
  const add = (name: string, dir: string, isNew: boolean): void => {
    const service: Watched = { name, dir, last: undefined, watchers: [], isSuperviseWatched: false };
    services.set(dir, service);
    try {
      const watcher = watch(dir, { persistent: false });
      watcher.on('change', () => refresh(service));
      watcher.on('error', () => undefined);
      service.watchers.push(watcher);
    } catch {
      // removed meanwhile: the next scan says so
    }
    watchSupervise(service);
    const { status } = readSettled(service);
    service.last = snapshotOf(status);
    if (isNew) queue.push({ type: 'added', service: name, at: now(), ...(status === undefined ? {} : { state: status.state, pid: status.pid }) });
    else if (options.initial === true) {
      const counts = status?.stats === undefined ? {} : { restarts: status.stats.restarts, starts: status.stats.totalStarts };
      queue.push({ type: 'status', service: name, at: now(), state: status?.state ?? 'unsupervised', pid: status?.pid ?? 0, ...(status ? { want: status.want } : {}), ...counts });
    }
  };
  const scan = (isStart: boolean): void => {
    let listed: Array<{ name: string; dir: string }>;
    try {
      listed = listTrees(roots);
    } catch {
      return; // a tree directory went away for a moment: the next scan sees it
    }
    const present = new Set(listed.map((entry) => entry.dir));
    for (const [dir, service] of services) {
      if (present.has(dir)) continue;
      for (const watcher of service.watchers) watcher.close();
      services.delete(dir);
      queue.push({ type: 'removed', service: service.name, at: now() });
    }
    for (const { name, dir } of listed) if (!services.has(dir)) add(name, dir, !isStart);
    for (const service of services.values()) refresh(service);
    if (queue.length > 0) poke();
  };
  // The trees' watchers keep the process alive while someone waits for events (as watch.ts does).
  const rootWatchers = roots.map((root) => {
    const watcher = watch(root, { persistent: true });
    watcher.on('change', () => scan(false));
    watcher.on('error', () => undefined);
    return watcher;
  });
  scan(true);
  const timer = setInterval(() => scan(false), options.interval ?? 1000);
  timer.unref();
  options.signal?.addEventListener('abort', poke);
  return (async function* generate(): AsyncGenerator<TreeEvent, void, undefined> {
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (options.signal?.aborted === true) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearInterval(timer);
      options.signal?.removeEventListener('abort', poke);
      for (const watcher of rootWatchers) watcher.close();
      for (const service of services.values()) for (const watcher of service.watchers) watcher.close();
    }
  })();
}
