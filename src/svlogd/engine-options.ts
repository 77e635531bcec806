/** What an svlogd engine is told: the cli's options, and where its output goes. */
import type { Clock } from '../clock.js';
import { INFO, type MessageSink } from './jobs.js';
import type { DirContext, LogDir } from './logdir.js';
import type { ProcessorRun } from './processor.js';
import type { StampFormat } from './stamp.js';

export interface SvlogdOptions {
  /** The log directories, as given (messages use these names). */
  dirs: readonly string[];
  /**
   * Base for relative directory names, for hosts whose cwd may differ. Omitted, relative names
   * are opened relative to the process cwd, which the engine never changes.
   */
  cwd?: string;
  stamp?: StampFormat;
  verbose?: boolean;
  /** The replacement byte (-r / -R); undefined: no replacement. */
  replaceChar?: number;
  /** Further bytes to replace (-R). */
  replaceExtra?: Uint8Array;
  /** -l (default 1000). */
  lineMax?: number;
  clock?: Clock;
  /** Diagnostics, one complete line each (svlogd writes them to fd 2). */
  message?: MessageSink;
  /** Copies of lines selected by `e` patterns (svlogd writes them to fd 2). */
  stderrCopy?: (bytes: Buffer) => void;
  /** fd 2 of processors (default 2). */
  processorStderr?: number;
  /** The processors' environment (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * What the directories share. A processor's exit wakes the job waiting for it, or else goes to
 * `reap` (runit's SIGCHLD handler).
 */
export function makeDirContext(options: SvlogdOptions, clock: Clock, reap: (dir: LogDir, run: ProcessorRun) => void): DirContext {
  const message = options.message ?? (() => {});
  const ctx: DirContext = {
    clock,
    verbose: options.verbose ?? false,
    lineMax: options.lineMax ?? 1000,
    message,
    processorStderr: options.processorStderr ?? 2,
    environment: options.env ?? process.env,
    processorExited: (dir, run) => {
      if (ctx.verbose) message(`${INFO}sigchild received.\n`);
      if (run.waiter !== undefined) {
        const wake = run.waiter;
        run.waiter = undefined;
        wake();
      } else if (dir.processor === run) {
        reap(dir, run);
      }
    },
  };
  return ctx;
}
