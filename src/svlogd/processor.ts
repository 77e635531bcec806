/**
 * The processor (SVL-17, SVL-18): `/bin/sh -c CMD` in the log directory with fd 0 = `@X.u`,
 * fd 1 = `@X.t`, fd 4 = `state`, fd 5 = `newstate`. Success (exit 0, or death by a signal, as
 * runit reads the wait status) turns `@X.t` into `@X.s`; failure starts it again on the same
 * file. The fds are opened here before the spawn; runit opens them in the child, so a failure
 * prints the same fatal message and counts as a failed run (exit 111).
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { spawnNames } from '../sys/spawned.js';
import type { DirConfig } from './config.js';
import type { DirHandle } from './dir-context.js';
import { FATAL, INFO, withError, type Job } from './jobs.js';
import { READ_FLAGS, TRUNC_FLAGS } from './open-flags.js';

/** The directory a processor works in, as far as the processor reads it. */
export interface ProcessorDir extends DirHandle {
  readonly isOpen: boolean;
  readonly config: Readonly<DirConfig>;
}

interface ProcessorRun {
  /** The `@X.u` being processed. */
  readonly name: string;
  child: ChildProcess | undefined;
  isDone: boolean;
  isSuccess: boolean;
  /** Set by a job that waits for this run. */
  waiter: (() => void) | undefined;
}

function withSuffix(name: string, suffix: string): string {
  return name.slice(0, 26) + suffix;
}

/**
 * `/bin/sh -c CMD`; under a umask the engine stands in for (DirContext.umask), a shell sets it
 * first and execs the same `/bin/sh -c CMD`, so the processor runs as under svlogd.
 */
function processorArgs(command: string, umask: number | undefined): string[] {
  if (umask === undefined) return ['-c', command];
  return ['-c', `umask ${umask.toString(8).padStart(4, '0')}; exec /bin/sh -c "$1"`, 'sh', command];
}

/** Opens the processor's four fds, or says which step failed (runit's child messages). */
function openProcessorFds(dir: DirHandle, name: string): number[] {
  const fds: number[] = [];
  const step = (text: string, open: () => number): void => {
    try {
      fds.push(open());
    } catch (error) {
      for (const fd of fds) closeSync(fd);
      throw new Error(withError(text, dir.name, error));
    }
  };
  step('unable to open input for processor', () => openSync(dir.file(name), READ_FLAGS));
  step('unable to open output for processor', () => dir.openFile(withSuffix(name, 't'), TRUNC_FLAGS, 0o644));
  step('unable to open state for processor', () => {
    try {
      return openSync(dir.file('state'), READ_FLAGS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      closeSync(dir.openFile('state', TRUNC_FLAGS, 0o644));
      return openSync(dir.file('state'), READ_FLAGS);
    }
  });
  step('unable to open newstate for processor', () => dir.openFile('newstate', TRUNC_FLAGS, 0o644));
  return fds;
}

/** One directory's processor: at most one run at a time. */
export class Processor {
  private run: ProcessorRun | undefined;
  private readonly dir: ProcessorDir;

  constructor(dir: ProcessorDir) {
    this.dir = dir;
  }

  /** On reopen runit forgets a running processor: its exit is then ignored. */
  forget(): void {
    this.run = undefined;
  }

  /** processorstart: nothing without a processor command. */
  *start(name: string): Job {
    const dir = this.dir;
    const command = dir.config.processor;
    if (command === undefined) return;
    if (this.run !== undefined) {
      dir.warn(`processor already running: ${dir.name}`);
      return;
    }
    const run: ProcessorRun = { name, child: undefined, isDone: false, isSuccess: false, waiter: undefined };
    this.run = run;
    dir.info(`processing: ${dir.name}/${name}`);
    const finish = (isSuccess: boolean): void => {
      run.isDone = true;
      run.isSuccess = isSuccess;
      this.exited(run);
    };
    let fds: number[];
    try {
      fds = openProcessorFds(dir, name);
    } catch (error) {
      dir.ctx.message(`${FATAL}${(error as Error).message}\n`);
      setImmediate(() => finish(false));
      return;
    }
    for (;;) {
      const child = spawnNames('/bin/sh', processorArgs(command, dir.ctx.umask), {
        cwd: dir.path,
        env: dir.ctx.environment,
        ...(dir.ctx.owner === undefined ? {} : { uid: dir.ctx.owner.uid, gid: dir.ctx.owner.gid }),
        stdio: [fds[0]!, fds[1]!, dir.ctx.processorStderr, 'ignore', fds[2]!, fds[3]!],
      });
      if (child.pid !== undefined) {
        run.child = child;
        child.on('exit', (code) => finish(code === 0 || code === null));
        break;
      }
      yield (wake) =>
        child.once('error', (error) => dir.pause('unable to fork for processor', error)(wake));
    }
    for (const fd of fds) closeSync(fd);
  }

  /** Waits until the run has succeeded (restarting it as often as it fails). */
  *wait(): Job {
    while (!(yield* this.stop())) {
      // stop() restarted a failed run: wait for that one too.
    }
  }

  /** A run ended: wake the job waiting for it, or else reap it next (runit's SIGCHLD). */
  private exited(run: ProcessorRun): void {
    const ctx = this.dir.ctx;
    if (ctx.verbose) ctx.message(`${INFO}sigchild received.\n`);
    if (run.waiter !== undefined) {
      const wake = run.waiter;
      run.waiter = undefined;
      wake();
    } else if (this.run === run) {
      ctx.runNext(this.reap(run));
    }
  }

  /** The SIGCHLD path: a run ended while nobody waited for it. */
  private *reap(run: ProcessorRun): Job {
    if (this.run === run) yield* this.stop();
  }

  /** processorstop: waits for the run, then finishes it; false when it had to be restarted. */
  private *stop(): Job<boolean> {
    const dir = this.dir;
    const run = this.run;
    if (run === undefined) return true;
    if (!run.isDone) yield (wake) => (run.waiter = wake);
    this.run = undefined;
    if (!dir.isOpen) return true;
    const t = withSuffix(run.name, 't');
    if (!run.isSuccess) {
      dir.warn(`processor failed, restart: ${dir.name}`);
      try {
        unlinkSync(dir.file(t));
      } catch {
        // runit ignores this unlink's result
      }
      yield* this.start(run.name);
      return dir.config.processor === undefined;
    }
    const s = withSuffix(run.name, 's');
    yield* dir.retry(() => renameSync(dir.file(t), dir.file(s)), 'unable to rename processed');
    yield* dir.retry(() => chmodSync(dir.file(s), 0o744), 'unable to set mode of processed');
    try {
      unlinkSync(dir.file(run.name));
    } catch {
      dir.warn(`unable to unlink: ${dir.name}/${run.name}`);
    }
    yield* dir.retry(() => renameSync(dir.file('newstate'), dir.file('state')), 'unable to rename state');
    dir.info(`processed: ${dir.name}/${s}`);
    return true;
  }
}
