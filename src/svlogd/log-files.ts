/**
 * The files beside `current` (SVL-14, SVL-15, SVL-16): naming a rotated file `@TAI64N.s` (or
 * `.u`), pruning the oldest when more than `n` are kept, and freeing space on a full disk when
 * `N` < `n`.
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { formatTai64n } from '../protocol/tai64n.js';
import { errorText } from '../errors.js';
import { encodeName, fsPath } from '../sys/byte-names.js';
import type { DirHandle } from './dir-context.js';
import type { Job } from './jobs.js';

/** A fresh `@<now>` name with `suffix`, taking the time again while the name exists. */
export function newLogName(dir: DirHandle, suffix: string): string {
  for (;;) {
    const name = formatTai64n(dir.ctx.clock.now()) + suffix;
    try {
      statSync(dir.file(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return name;
    }
  }
}

/** Rotated files and processor leftovers: names of 27 bytes starting with `@`. */
function listLogFiles(dir: DirHandle): string[] {
  return readdirSync(fsPath(dir.path), { encoding: 'latin1' }).filter((n) => n.length === 27 && n[0] === '@');
}

function pathOf(dir: DirHandle, name: string): Buffer {
  return Buffer.concat([encodeName(dir.path + '/'), Buffer.from(name, 'latin1')]);
}

/** rmoldest: deletes processor leftovers, and the oldest file when more than `countMax` are kept. */
export function* prune(dir: DirHandle, countMax: number): Job {
  let names: string[];
  for (;;) {
    try {
      names = listLogFiles(dir);
      break;
    } catch (error) {
      yield dir.pause('unable to open directory, want rotate', error);
    }
  }
  let count = 0;
  let oldest: string | undefined;
  for (const name of names) {
    if (name[26] === 't') {
      try {
        unlinkSync(pathOf(dir, name));
      } catch (error) {
        dir.warn(`unable to unlink processor leftover: ${name}: ${errorText(error)}`);
      }
    } else if (name[26] !== 'u') {
      // Debian's 2.1.2 neither counts nor deletes `.u` files here (observed; the spec's SVL-15
      // says otherwise, and real runit wins).
      count++;
      if (oldest === undefined || name < oldest) oldest = name;
    }
  }
  if (countMax !== 0 && count > countMax && oldest !== undefined) {
    dir.info(`delete: ${dir.name}/${oldest}`);
    try {
      unlinkSync(pathOf(dir, oldest));
    } catch (error) {
      dir.warn(`unable to unlink oldest logfile: ${dir.name}: ${errorText(error)}`);
    }
  }
}

/** On ENOSPC: deletes the oldest `@` file if more than `countMin` exist; true if one went. */
export function freeSpace(dir: DirHandle, countMin: number): boolean {
  let names: string[];
  try {
    names = listLogFiles(dir);
  } catch (error) {
    dir.warn(`unable to read directory, want remove old logfile: ${dir.name}: ${errorText(error)}`);
    return false;
  }
  if (names.length <= countMin) return false;
  const oldest = names.reduce((a, b) => (b < a ? b : a));
  dir.warn(`out of disk space, delete: ${dir.name}/${oldest}`);
  try {
    unlinkSync(pathOf(dir, oldest));
    return true;
  } catch (error) {
    dir.warn(`unable to unlink oldest logfile: ${dir.name}: ${errorText(error)}`);
    return false;
  }
}
