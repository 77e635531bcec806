/** The engine's work on all directories at once, in command-line order (SVL-12, SVL-19, SVL-20). */
import { SvlogdFatalError, type Job } from './jobs.js';
import type { LogDir } from './logdir.js';
import { close, flush, rotate } from './rotate.js';

/** Start-up and HUP: close and reopen each directory; fatal when none opens. */
export function* openAll(dirs: readonly LogDir[]): Job {
  let isAnyOpen = false;
  for (const dir of dirs) {
    yield* close(dir);
    if (yield* dir.open()) isAnyOpen = true;
  }
  if (!isAnyOpen) throw new SvlogdFatalError('no functional log directories.');
}

/** After each read chunk: everything planned goes to disk. */
export function* flushAll(dirs: readonly LogDir[]): Job {
  for (const dir of dirs) yield* flush(dir);
}

/** ALRM or the time limit: a rotation outside the planned points, so plan from the new size. */
export function* rotateNow(dir: LogDir): Job {
  yield* rotate(dir);
  dir.output.replan(dir.size);
}

/** Exit: write, wait for the processor (and its restarts), close. */
export function* closeAll(dirs: readonly LogDir[]): Job {
  for (const dir of dirs) {
    yield* flush(dir);
    yield* dir.processor.wait();
    yield* close(dir);
  }
}
