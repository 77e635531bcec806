/**
 * Writing to `current` under the size limit (SVL-13, SVL-16), rotation (SVL-14) and pruning of
 * old files (SVL-15).
 */
import { APPEND_OPEN, unusedName, type LogDir } from './logdir.js';
import { closeQuietly, codeOf, errorMessage, info, pause, retry, warn, type SvlogdContext } from './context.js';
import { startProcessor, stopProcessor } from './processor.js';

/** Rotated and processor files are `@` + 24 hex digits + `.` + one letter. */
const ROTATED_NAME_LENGTH = 27;

function isRotatedName(name: string): boolean {
  return name.length === ROTATED_NAME_LENGTH && name.startsWith('@');
}

async function listDir(ctx: SvlogdContext, dir: LogDir, want: string): Promise<string[]> {
  return retry(ctx, `unable to open directory, want ${want}`, dir.name, () =>
    ctx.fs.readdirSync(dir.path, { encoding: 'utf8' }),
  );
}

/** Deletes processor leftovers (`.t`) and, over the `n` limit, the oldest rotated file. */
export async function prune(ctx: SvlogdContext, dir: LogDir): Promise<void> {
  let count = 0;
  let oldest: string | undefined;
  for (const name of await listDir(ctx, dir, 'rotate')) {
    if (!isRotatedName(name)) continue;
    if (name[26] === 't') {
      try {
        ctx.fs.unlinkSync(dir.file(name));
      } catch (error) {
        warn(ctx, errorMessage('unable to unlink processor leftover', name, error));
      }
      continue;
    }
    count++;
    if (oldest === undefined || name < oldest) oldest = name;
  }
  if (dir.config.filesMax === 0 || count <= dir.config.filesMax || oldest === undefined) return;
  info(ctx, `delete: ${dir.name}/${oldest}`);
  try {
    ctx.fs.unlinkSync(dir.file(oldest));
  } catch (error) {
    warn(ctx, errorMessage('unable to unlink oldest logfile', dir.name, error));
  }
}

/** Disk full: deletes the oldest `@` file if more than `N` exist; true if one was deleted. */
async function makeRoom(ctx: SvlogdContext, dir: LogDir): Promise<boolean> {
  let count = 0;
  let oldest: string | undefined;
  for (const name of await listDir(ctx, dir, 'remove old logfile')) {
    if (!isRotatedName(name)) continue;
    count++;
    if (oldest === undefined || name < oldest) oldest = name;
  }
  if (count <= dir.config.filesMin || oldest === undefined) return false;
  warn(ctx, `out of disk space, delete: ${dir.name}/${oldest}`);
  try {
    ctx.fs.unlinkSync(dir.file(oldest));
    return true;
  } catch (error) {
    warn(ctx, errorMessage('unable to unlink oldest logfile', dir.name, error));
    return false;
  }
}

/** Rotates a non-empty `current` (and re-arms an expired timer). False if the directory is closed. */
export async function rotate(ctx: SvlogdContext, dir: LogDir): Promise<boolean> {
  if (!dir.isOpen) {
    dir.config.rotateSeconds = 0;
    return false;
  }
  while (dir.processor !== undefined && !(await stopProcessor(ctx, dir)));
  const name = unusedName(ctx, dir, dir.config.processor === undefined ? 's' : 'u');
  const now = ctx.clock.monotonicMillis();
  if (dir.config.rotateSeconds > 0 && dir.deadline < now) dir.deadline = now + dir.config.rotateSeconds * 1000;
  if (dir.size === 0) return true;

  await dir.buffer.flush();
  const fd = dir.currentFd;
  await retry(ctx, 'unable to fsync current logfile', dir.name, () => ctx.fs.fsyncSync(fd));
  await retry(ctx, 'unable to set mode of current', dir.name, () => ctx.fs.fchmodSync(fd, 0o744));
  closeQuietly(ctx, fd);
  info(ctx, `rename: ${dir.name}/current ${name} ${dir.size}`);
  await retry(ctx, 'unable to rename current', dir.name, () => ctx.fs.renameSync(dir.file('current'), dir.file(name)));
  dir.currentFd = await retry(ctx, 'unable to create new current', dir.name, () =>
    ctx.fs.openSync(dir.file('current'), APPEND_OPEN, 0o600),
  );
  dir.size = 0;
  await retry(ctx, 'unable to set mode of current', dir.name, () => ctx.fs.fchmodSync(dir.currentFd, 0o644));
  await prune(ctx, dir);
  startProcessor(ctx, dir, name);
  return true;
}

/**
 * Writes a prefix of `bytes` to `current` and returns its length (runit's buffer_pwrite): a full
 * `current` is rotated first, a write never passes the size limit, and a write that ends a line
 * close to the limit rotates at once. Write errors pause and retry; nothing is dropped.
 */
export async function writeCurrent(ctx: SvlogdContext, dir: LogDir, bytes: Uint8Array): Promise<number> {
  const { sizeMax } = dir.config;
  let length = bytes.length;
  if (sizeMax > 0) {
    if (dir.size >= sizeMax) await rotate(ctx, dir);
    // A closed directory cannot rotate; write rather than loop on an empty piece.
    if (sizeMax > dir.size) length = Math.min(length, sizeMax - dir.size);
  }
  let written: number;
  for (;;) {
    try {
      written = ctx.fs.writeSync(dir.currentFd, bytes, 0, length);
      break;
    } catch (error) {
      if (codeOf(error) === 'ENOSPC' && dir.config.filesMin < dir.config.filesMax && (await makeRoom(ctx, dir))) {
        continue;
      }
      await pause(ctx, 'unable to write to current', dir.name, error);
    }
  }
  dir.size += written;
  if (written > 0 && bytes[written - 1] === 0x0a && dir.size >= rotationMark(ctx, dir)) await rotate(ctx, dir);
  return written;
}

/**
 * The size from which a write that ends a line rotates `current`: max - len. Infinity without
 * a size limit, and when max < len, since runit subtracts unsigned and the mark wraps around.
 */
export function rotationMark(ctx: SvlogdContext, dir: LogDir): number {
  const { sizeMax } = dir.config;
  return sizeMax > 0 && sizeMax >= ctx.lineMax ? sizeMax - ctx.lineMax : Number.POSITIVE_INFINITY;
}
