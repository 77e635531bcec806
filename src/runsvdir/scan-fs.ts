/**
 * The file-system side of a scan: the directory's own stamps, its service entries in readdir
 * order (RSD-2), and Debian's `.forced-rescan` record (RSD-8).
 */
import { closeSync, constants, openSync, opendirSync, statSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '../errors.js';
import { decodeName, fsPath } from '../sys/byte-names.js';
import { formatTai64n, type Tai64n } from '../protocol/tai64n.js';

export interface ServiceEntry {
  name: string;
  /** (device, inode): a service's identity, so a rename keeps its supervisor (RSD-2). */
  key: string;
  path: string;
  stats: Stats;
}

/** The directory's stat, or runit's warning when it cannot be scanned (RSD-4 step 3). */
export function statDir(dir: string): Stats | string {
  try {
    const stats = statSync(fsPath(dir));
    if (stats.isDirectory()) return stats;
    return `unable to change directory to ${dir}: ${errorText({ code: 'ENOTDIR' })}`;
  } catch (error) {
    return `unable to stat ${dir}: ${errorText(error)}`;
  }
}

/**
 * The service directories of `dir`, in readdir order (fs.readdirSync sorts; opendir does not):
 * dot names skipped, symlinks followed, non-directories skipped. Undefined when the directory
 * could not be read (the caller retries at the next check). Names are read as bytes, so one that
 * is not UTF-8 still names its directory (sys/byte-names.ts).
 */
export function readServiceEntries(dir: string, warn: (text: string) => void): ServiceEntry[] | undefined {
  let handle;
  try {
    // Node reads the names as Buffers with 'buffer', which @types/node leaves out of its type.
    handle = opendirSync(fsPath(dir), { encoding: 'buffer' as BufferEncoding });
  } catch (error) {
    warn(`unable to open directory ${dir}: ${errorText(error)}`);
    return undefined;
  }
  const entries: ServiceEntry[] = [];
  try {
    for (let dirent = handle.readSync(); dirent !== null; dirent = handle.readSync()) {
      const name = decodeName(dirent.name as unknown as Buffer);
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      let stats: Stats;
      try {
        stats = statSync(fsPath(path));
      } catch (error) {
        warn(`unable to stat ${name}: ${errorText(error)}`);
        continue;
      }
      if (!stats.isDirectory()) continue;
      entries.push({ name, key: `${stats.dev}:${stats.ino}`, path, stats });
    }
  } catch (error) {
    warn(`unable to read directory ${dir}: ${errorText(error)}`);
    return undefined;
  } finally {
    handle.closeSync();
  }
  return entries;
}

/** How long a directory without `run` counts as still being written. */
export const HALF_WRITTEN_MS = 5000;

/** A service directory that has no `run` yet and changed moments before `nowMillis` (beyond runit). */
export function isHalfWritten(entry: ServiceEntry, nowMillis: number): boolean {
  if (nowMillis - entry.stats.mtimeMs >= HALF_WRITTEN_MS) return false;
  try {
    statSync(fsPath(join(entry.path, 'run')));
    return false;
  } catch {
    return true;
  }
}

/**
 * Debian's record of a forced rescan: the TAI64N label, 25 bytes, no newline, trunc-open 0644
 * (GEN-6). Returns the warning text on failure (no errno text, as Debian prints it).
 */
export function writeForcedRescan(dir: string, now: Tai64n): string | undefined {
  const name = './.forced-rescan';
  const label = formatTai64n(now);
  let fd: number;
  try {
    fd = openSync(
      fsPath(join(dir, '.forced-rescan')),
      constants.O_WRONLY | constants.O_NONBLOCK | constants.O_TRUNC | constants.O_CREAT,
      0o644,
    );
  } catch {
    return `failed to open${name}${label}`;
  }
  try {
    if (writeSync(fd, label) !== label.length) return `failed to write${name}${label}`;
  } catch {
    return `failed to write${name}${label}`;
  } finally {
    closeSync(fd);
  }
  return undefined;
}
