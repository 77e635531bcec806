/** What an svlogd engine is told: the cli's options, and where its output goes. */
import type { Clock } from '../clock.js';
import type { DirContext } from './dir-context.js';
import type { Job, MessageSink } from './jobs.js';
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
  /**
   * -b (default 1024): the most read at once. What is read is written before the next read, so
   * this bounds what a SIGKILL can lose.
   */
  bufferSize?: number;
  clock?: Clock;
  /** Diagnostics, one complete line each (svlogd writes them to fd 2). */
  message?: MessageSink;
  /** Copies of lines selected by `e` patterns (svlogd writes them to fd 2). */
  stderrCopy?: (bytes: Buffer) => void;
  /** fd 2 of processors (default 2). */
  processorStderr?: number;
  /** The processors' environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** See DirContext.owner: a `chpst -u` the engine stands in for. */
  owner?: { uid: number; gid: number };
  /** See DirContext.umask: a `umask` the engine stands in for. */
  umask?: number;
}

/** What the directories share; `runNext` runs a processor's reaping before queued work. */
export function makeDirContext(options: SvlogdOptions, clock: Clock, runNext: (job: Job) => void): DirContext {
  return {
    clock,
    verbose: options.verbose ?? false,
    lineMax: options.lineMax ?? 1000,
    message: options.message ?? (() => {}),
    processorStderr: options.processorStderr ?? 2,
    environment: options.env ?? process.env,
    owner: options.owner,
    umask: options.umask,
    runNext,
  };
}
