/**
 * Rotation (SVL-14) and the flush that rotates at the points DirOutput planned (SVL-13):
 * `current` becomes `@TAI64N.s`, or `.u` for a processor, which then starts on it.
 */
import type { Job } from './jobs.js';
import { newLogName, prune } from './log-files.js';
import type { LogDir } from './logdir.js';

/** rotate(): waits for a running processor first; renames only a non-empty `current`. */
export function* rotate(dir: LogDir): Job {
  if (!dir.isOpen) {
    dir.restartTimer();
    return;
  }
  yield* dir.processor.wait();
  const name = newLogName(dir, dir.config.processor === undefined ? '.s' : '.u');
  dir.restartTimer();
  if (dir.size === 0) return;
  yield* dir.replaceCurrent(name);
  yield* prune(dir, dir.config.countMax);
  yield* dir.processor.start(name);
}

/** Writes the planned output, rotating at the planned points. */
export function* flush(dir: LogDir): Job {
  const out = dir.output;
  let written = 0;
  let mark = 0;
  while (written < out.length || mark < out.marks.length) {
    const stop = mark < out.marks.length ? out.marks[mark]! : out.length;
    if (written < stop) {
      written += yield* dir.write(out.buf, written, stop);
    } else {
      mark++;
      yield* rotate(dir);
    }
  }
  out.clear();
}

/** logdir_close (SVL-19): what was planned goes to disk first. */
export function* close(dir: LogDir): Job {
  if (!dir.isOpen) return;
  dir.info(`close: ${dir.name}`);
  yield* flush(dir);
  yield* dir.close();
}
