/**
 * Rotation and pruning (SVL-14, SVL-15, SVL-16): `current` becomes `@TAI64N.s` (or `.u` when a
 * processor will read it), the oldest files go when there are more than `n`, and a full disk
 * may cost the oldest file when `N` < `n`.
 */
import { readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { formatTai64n } from '../protocol/tai64n.js';
import { errorText } from '../errors.js';
import type { LogDir } from './logdir.js';
import type { Job } from './jobs.js';
import { startProcessor, waitProcessor } from './processor.js';

/** A fresh `@<now>` name with `suffix`, taking the time again while the name exists. */
export function newLogName(dir: LogDir, suffix: string): string {
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
function listLogFiles(dir: LogDir): string[] {
  return readdirSync(dir.path, { encoding: 'latin1' }).filter((n) => n.length === 27 && n[0] === '@');
}

function pathOf(dir: LogDir, name: string): Buffer {
  return Buffer.concat([Buffer.from(dir.path + '/'), Buffer.from(name, 'latin1')]);
}

/** rmoldest: deletes processor leftovers, and the oldest file when more than `n` are kept. */
export function* prune(dir: LogDir): Job {
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
  if (dir.config.countMax !== 0 && count > dir.config.countMax && oldest !== undefined) {
    dir.info(`delete: ${dir.name}/${oldest}`);
    try {
      unlinkSync(pathOf(dir, oldest));
    } catch (error) {
      dir.warn(`unable to unlink oldest logfile: ${dir.name}: ${errorText(error)}`);
    }
  }
}

/** On ENOSPC with N < n: deletes the oldest `@` file if more than N exist; true if one went. */
export function freeSpace(dir: LogDir): boolean {
  let names: string[];
  try {
    names = listLogFiles(dir);
  } catch (error) {
    dir.warn(`unable to read directory, want remove old logfile: ${dir.name}: ${errorText(error)}`);
    return false;
  }
  if (names.length <= dir.config.countMin) return false;
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

/** rotate(): waits for a running processor first; renames only a non-empty `current`. */
export function* rotate(dir: LogDir): Job {
  if (!dir.isOpen) {
    dir.rotateAt = 0;
    return;
  }
  if (dir.processor !== undefined) yield* waitProcessor(dir);
  const name = newLogName(dir, dir.config.processor === undefined ? '.s' : '.u');
  const seconds = dir.config.rotateSeconds;
  const now = dir.ctx.clock.monotonicMillis();
  if (seconds > 0 && dir.rotateAt <= now) dir.rotateAt = now + seconds * 1000;
  if (dir.size === 0) return;
  const size = dir.size;
  yield* dir.sealCurrent();
  dir.info(`rename: ${dir.name}/current ${name} ${size}`);
  yield* dir.retry(() => renameSync(dir.file('current'), dir.file(name)), 'unable to rename current');
  dir.fdCurrent = yield* dir.createCurrent('unable to create new current');
  dir.size = 0;
  yield* prune(dir);
  yield* startProcessor(dir, name);
}
