/**
 * What every part of one log directory shares: the engine's context, the directory's paths,
 * and runit's way of speaking about it (warnings, verbose info, 3 s pauses naming it).
 */
import { closeSync, existsSync, fchmodSync, fchownSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { fsPath } from '../sys/byte-names.js';
import { INFO, pauseFor, WARNING, withError, type Job, type MessageSink, type Wait } from './jobs.js';

/** What every directory shares with the engine. */
export interface DirContext {
  clock: Clock;
  verbose: boolean;
  lineMax: number;
  message: MessageSink;
  /** The processors' fd 2 (svlogd's stderr). */
  processorStderr: number;
  environment: NodeJS.ProcessEnv;
  /**
   * The account a `chpst -u` before svlogd would have run it as, when the engine runs for it in
   * a process that stays root: the files it creates are given to it, its processors run as it.
   */
  owner: { uid: number; gid: number } | undefined;
  /**
   * The umask a `umask` before svlogd would have set, when the engine runs for it in a process
   * whose umask is shared with others (and so never changed): the modes of the files it creates
   * are set from it explicitly, and its processors start under it.
   */
  umask: number | undefined;
  /** Runs `job` before any queued work: runit's SIGCHLD handler reaping a processor. */
  runNext(job: Job): void;
}

export class DirHandle {
  /** The name as the user gave it, for messages. */
  readonly name: string;
  /**
   * Absolute (no chdir: the engine may share its process with other services). A name string
   * (sys/byte-names.ts): node:fs gets fsPath(path), which keeps bytes that are not UTF-8.
   */
  readonly path: string;
  readonly ctx: DirContext;

  constructor(name: string, path: string, ctx: DirContext) {
    this.name = name;
    this.path = path;
    this.ctx = ctx;
  }

  file(name: string): string | Buffer {
    return fsPath(join(this.path, name));
  }

  /**
   * openSync of one of the directory's files, created with `mode` less the umask: ctx.umask if
   * set, else the process's. One it creates belongs to `ctx.owner`, if any.
   */
  openFile(name: string, flags: number, mode: number): number {
    const path = this.file(name);
    const { owner, umask } = this.ctx;
    if (owner === undefined && umask === undefined) return openSync(path, flags, mode);
    // The directory is locked by this engine alone: nobody creates the file in between.
    const isNew = !existsSync(path);
    const fd = openSync(path, flags, mode);
    if (isNew) {
      try {
        if (owner !== undefined) fchownSync(fd, owner.uid, owner.gid);
        // After the chown, which may clear set-id bits; open applied the process's umask.
        if (umask !== undefined) fchmodSync(fd, mode & ~umask & 0o7777);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
    }
    return fd;
  }

  warn(text: string): void {
    this.ctx.message(`${WARNING}${text}\n`);
  }

  info(text: string): void {
    if (this.ctx.verbose) this.ctx.message(`${INFO}${text}\n`);
  }

  pause(m0: string, error: unknown): Wait {
    return pauseFor(this.ctx.clock, this.ctx.message, withError(m0, this.name, error));
  }

  /** Runs `op` until it succeeds, pausing 3 s after each failure with `m0: DIR: ERR`. */
  *retry<T>(op: () => T, m0: string): Job<T> {
    for (;;) {
      try {
        return op();
      } catch (error) {
        yield this.pause(m0, error);
      }
    }
  }
}
