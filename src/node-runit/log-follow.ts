/**
 * Following svlogd's `current` across rotations, as `tail -F` does but without losing a file:
 * the open descriptor is read to its end after `current` is renamed, then every rotated file
 * that came after it, in name (= time) order, then the new `current`. `current` is opened before
 * the listing, so a rotation between the two is seen on the next pass, never skipped.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../errors.js';
import type { LogSource } from './log-source.js';
import { CURRENT, mergeByTime, rotatedFiles, tailSource, toLogLine, type LogLine } from './log-tail.js';

const CHUNK = 64 * 1024;

/** One source's position: the file being read and the bytes of an unfinished line. */
export class LogFollower {
  readonly source: LogSource;
  readonly #dir: string;
  #fd = -1;
  #ino = -1;
  #partial = '';
  /** The rotated files that existed when start() found no current: old, not to be followed. */
  #rotatedAtStart: Set<string> | undefined;
  readonly #buffer = Buffer.alloc(CHUNK);

  constructor(source: LogSource & { logDir: string }) {
    this.source = source;
    this.#dir = source.logDir;
  }

  /**
   * Reads `current` to its end through the descriptor it will follow, so the tail returned and
   * the lines followed after it neither overlap nor leave a gap; returns the last `count` lines.
   */
  start(count: number): LogLine[] {
    const lines: string[] = [];
    if (this.#open()) this.#drain((line) => void lines.push(line));
    else this.#rotatedAtStart = new Set(rotatedFiles(this.#dir));
    if (lines.length < count) {
      const earlier = tailSource({ ...this.source, logDir: this.#dir }, count - lines.length, rotatedFiles(this.#dir));
      return [...earlier, ...lines.map((line) => toLogLine(this.source, line))];
    }
    return lines.slice(lines.length - count).map((line) => toLogLine(this.source, line));
  }

  /** Everything written since the last call, in order. */
  poll(): LogLine[] {
    const lines: LogLine[] = [];
    const emit = (line: string): void => void lines.push(toLogLine(this.source, line));
    if (this.#fd === -1) {
      // No file open: none existed yet, or current vanished mid-rotation after the last one was
      // read. Then the files rotated since that one (#ino) come before the current opened now.
      const previous = this.#ino;
      if (!this.#open()) return lines;
      if (previous !== -1) this.#readRotatedBetween(previous, this.#ino, emit);
      else {
        // current did not exist at start: every file rotated since then is new, even if
        // svlogd rotated before this first look.
        const known = this.#rotatedAtStart ?? new Set<string>();
        this.#readFiles(this.#listRotated().filter((file) => !known.has(file.name)), this.#ino, emit);
      }
      this.#rotatedAtStart = undefined;
      this.#drain(emit);
    }
    for (let pass = 0; this.#fd !== -1 && pass < 10_000; pass++) {
      this.#drain(emit);
      let ino: number;
      try {
        ino = statSync(join(this.#dir, CURRENT)).ino;
      } catch (error) {
        if (errorCode(error) === 'ENOENT') break; // mid-rotation: the new current comes next
        throw error;
      }
      if (ino === this.#ino) break;
      this.#drain(emit); // the last bytes written before the rename
      this.#flushPartial(emit);
      const oldIno = this.#ino;
      closeSync(this.#fd);
      this.#fd = -1;
      if (!this.#open()) break;
      this.#readRotatedBetween(oldIno, this.#ino, emit);
      this.#drain(emit);
    }
    return lines;
  }

  close(): void {
    if (this.#fd !== -1) closeSync(this.#fd);
    this.#fd = -1;
  }

  #open(): boolean {
    try {
      this.#fd = openSync(join(this.#dir, CURRENT), 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
    this.#ino = fstatSync(this.#fd).ino;
    return true;
  }

  #listRotated(): Array<{ name: string; ino: number }> {
    return rotatedFiles(this.#dir).map((name) => {
      try {
        return { name, ino: statSync(join(this.#dir, name)).ino };
      } catch {
        return { name, ino: -1 }; // pruned meanwhile
      }
    });
  }

  /** The complete files rotated after the one with inode `from`, up to the one being read now. */
  #readRotatedBetween(from: number, to: number, emit: (line: string) => void): void {
    const named = this.#listRotated();
    const start = named.findIndex((file) => file.ino === from);
    if (start === -1) return; // ours was pruned too: nothing after it can be placed
    this.#readFiles(named.slice(start + 1), to, emit);
  }

  /** Reads `files` whole, in order, stopping at the one with inode `to` (read through the descriptor). */
  #readFiles(files: ReadonlyArray<{ name: string; ino: number }>, to: number, emit: (line: string) => void): void {
    for (const file of files) {
      if (file.ino === to) return;
      let fd: number;
      try {
        fd = openSync(join(this.#dir, file.name), 'r');
      } catch {
        continue;
      }
      try {
        this.#drainFd(fd, emit);
        this.#flushPartial(emit);
      } finally {
        closeSync(fd);
      }
    }
  }

  #drain(emit: (line: string) => void): void {
    this.#drainFd(this.#fd, emit);
  }

  #drainFd(fd: number, emit: (line: string) => void): void {
    for (;;) {
      const count = readSync(fd, this.#buffer, 0, CHUNK, null);
      if (count === 0) return;
      const text = this.#partial + this.#buffer.toString('utf8', 0, count);
      const lines = text.split('\n');
      this.#partial = lines.pop()!;
      for (const line of lines) emit(line);
    }
  }

  /** A rotated file ends where it ends: svlogd finishes lines, so anything left is a whole (cut) line. */
  #flushPartial(emit: (line: string) => void): void {
    if (this.#partial !== '') emit(this.#partial);
    this.#partial = '';
  }
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** Lines of each source's tail to hand out first, merged by time (default 0). */
  tail?: number;
  /** A re-read at least this often, in ms, should an inotify event be lost (default 500). */
  interval?: number;
}

/**
 * Each source's tail (options.tail lines), then the lines appended from there on, as they come,
 * until `signal` aborts. The starting positions are taken when this is called, not at the
 * first `next()`.
 */
export function followLogs(sources: readonly LogSource[], options: FollowOptions = {}): AsyncGenerator<LogLine, void, undefined> {
  const followers = sources.filter((source): source is LogSource & { logDir: string } => source.logDir !== undefined).map((source) => new LogFollower(source));
  const watchers: FSWatcher[] = [];
  let wake: (() => void) | undefined;
  /** A change came while lines were being handed out: look again before waiting. */
  let isDirty = false;
  const poke = (): void => {
    isDirty = true;
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const tails: LogLine[][] = [];
  for (const follower of followers) {
    tails.push(follower.start(options.tail ?? 0));
    // Persistent: a process waiting for lines must not end because nothing else is pending.
    const watcher = watch(follower.source.logDir!, { persistent: true });
    watcher.on('change', poke);
    watcher.on('error', poke);
    watchers.push(watcher);
  }
  const timer = setInterval(poke, options.interval ?? 500);
  timer.unref();
  options.signal?.addEventListener('abort', poke);
  return (async function* generate(): AsyncGenerator<LogLine, void, undefined> {
    try {
      yield* mergeByTime(tails);
      const isAborted = (): boolean => options.signal?.aborted === true;
      while (!isAborted()) {
        isDirty = false;
        for (const follower of followers) yield* follower.poll();
        if (isAborted()) break;
        if (!isDirty) await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearInterval(timer);
      options.signal?.removeEventListener('abort', poke);
      for (const watcher of watchers) watcher.close();
      for (const follower of followers) follower.close();
    }
  })();
}
