/**
 * One log directory: opening it (SVL-3), closing it (SVL-19). Paths are resolved against the
 * start-up directory when the directory is opened, where runit keeps a descriptor and fchdir()s:
 * the engine never changes the process's working directory, so it can share a process.
 */
import { constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatTai64n } from '../protocol/tai64n.js';
import { flock, LOCK_EX, LOCK_NB } from '../sys/index.js';
import { defaultConfig, parseConfig, type LogDirConfig } from './config.js';
import { closeQuietly, codeOf, errorMessage, info, retry, warn, type SvlogdContext } from './context.js';
import { DirBuffer } from './dir-buffer.js';
import type { RunningProcessor } from './processor.js';

const { O_WRONLY, O_RDONLY, O_NONBLOCK, O_APPEND, O_CREAT, O_TRUNC } = constants;
/** GEN-6 append-open (lock, current) and trunc-open (state, newstate, .t). */
export const APPEND_OPEN = O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT;
export const TRUNC_OPEN = O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT;
export const READ_OPEN = O_RDONLY | O_NONBLOCK;

const OWNER_EXECUTE = 0o100;

export class LogDir {
  /** As given on the command line; every message names the directory this way. */
  readonly name: string;
  path = '';
  isOpen = false;
  config: LogDirConfig = defaultConfig();
  /** Bytes in `current`. */
  size = 0;
  currentFd = -1;
  lockFd = -1;
  /** Monotonic deadline of the next timed rotation (`t`), when one is configured. */
  deadline = 0;
  processor: RunningProcessor | undefined;
  /** The pattern verdict for the line being written (a long line's rest follows its first part). */
  isSelected = true;
  buffer: DirBuffer;

  constructor(name: string, buffer: DirBuffer) {
    this.name = name;
    this.buffer = buffer;
  }

  file(name: string): string {
    return join(this.path, name);
  }
}

/** A fresh `@<TAI64N>.<suffix>` name not yet used in the directory (the time is taken again). */
export function unusedName(ctx: SvlogdContext, dir: LogDir, suffix: 's' | 'u'): string {
  for (;;) {
    const name = `${formatTai64n(ctx.clock.now())}.${suffix}`;
    try {
      ctx.fs.statSync(dir.file(name));
    } catch {
      // Unused (ENOENT). runit spins on other stat errors; the rename that follows reports them.
      return name;
    }
  }
}

/** Opens the directory for logging; false (after a warning) if it cannot be used. */
export async function openLogDir(
  ctx: SvlogdContext,
  dir: LogDir,
  prune: (dir: LogDir) => Promise<void>,
): Promise<boolean> {
  dir.path = resolve(ctx.cwd, dir.name);
  const failed = (m0: string, error: unknown): boolean => {
    info(ctx, `close: ${dir.name}`);
    warn(ctx, errorMessage(m0, dir.name, error));
    return false;
  };
  try {
    closeQuietly(ctx, ctx.fs.openSync(dir.path, READ_OPEN));
  } catch (error) {
    warn(ctx, errorMessage('unable to open log directory', dir.name, error));
    return false;
  }
  let isDirectory: boolean;
  try {
    isDirectory = ctx.fs.statSync(dir.path).isDirectory();
  } catch (error) {
    return failed('unable to change directory', error);
  }
  // What runit's fchdir() into an opened non-directory reports.
  if (!isDirectory) return failed('unable to change directory', { code: 'ENOTDIR' });
  let lockFd = -1;
  try {
    lockFd = ctx.fs.openSync(dir.file('lock'), APPEND_OPEN, 0o600);
    flock(lockFd, LOCK_EX | LOCK_NB);
  } catch (error) {
    if (lockFd !== -1) closeQuietly(ctx, lockFd);
    return failed('unable to lock directory', error);
  }
  dir.lockFd = lockFd;
  dir.size = 0;
  dir.processor = undefined;
  dir.isSelected = true;
  dir.config = readConfig(ctx, dir);
  if (dir.config.rotateSeconds > 0) dir.deadline = ctx.clock.monotonicMillis() + dir.config.rotateSeconds * 1000;

  let isAppending = false;
  try {
    const stat = ctx.fs.statSync(dir.file('current'));
    if (stat.size > 0 && (stat.mode & OWNER_EXECUTE) === 0) {
      // Not closed cleanly: keep it as an unprocessed file and start a new current.
      const name = unusedName(ctx, dir, 'u');
      await retry(ctx, 'unable to rename current', dir.name, () =>
        ctx.fs.renameSync(dir.file('current'), dir.file(name)),
      );
      await prune(dir);
    } else {
      dir.size = stat.size;
      isAppending = true;
    }
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') {
      closeQuietly(ctx, lockFd);
      dir.lockFd = -1;
      return failed('unable to stat current', error);
    }
  }
  dir.currentFd = await retry(ctx, 'unable to open current', dir.name, () =>
    ctx.fs.openSync(dir.file('current'), APPEND_OPEN, 0o600),
  );
  await retry(ctx, 'unable to set mode of current', dir.name, () => ctx.fs.fchmodSync(dir.currentFd, 0o644));
  dir.isOpen = true;
  info(ctx, `${isAppending ? 'append' : 'new'}: ${dir.name}/current`);
  return true;
}

function readConfig(ctx: SvlogdContext, dir: LogDir): LogDirConfig {
  let bytes: Uint8Array;
  try {
    bytes = ctx.fs.readFileSync(dir.file('config'));
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return defaultConfig();
    warn(ctx, errorMessage('unable to read config', dir.name, error));
    bytes = new Uint8Array(0);
  }
  info(ctx, `read: ${dir.name}/config`);
  const { config, warnings } = parseConfig(bytes);
  for (const text of warnings) warn(ctx, text);
  return config;
}

/** Flushes, syncs and marks `current` as cleanly closed (mode 0744), then lets go of the lock. */
export async function closeLogDir(ctx: SvlogdContext, dir: LogDir): Promise<void> {
  if (!dir.isOpen) return;
  info(ctx, `close: ${dir.name}`);
  dir.isOpen = false;
  await dir.buffer.flush();
  await retry(ctx, 'unable to fsync current logfile', dir.name, () => ctx.fs.fsyncSync(dir.currentFd));
  await retry(ctx, 'unable to set mode of current', dir.name, () => ctx.fs.fchmodSync(dir.currentFd, 0o744));
  closeQuietly(ctx, dir.currentFd);
  dir.currentFd = -1;
  closeQuietly(ctx, dir.lockFd);
  dir.lockFd = -1;
  dir.config.processor = undefined;
}
