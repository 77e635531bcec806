/**
 * The real side effects of a Supervisor: children through libuv (registered for the init's
 * reaper), control/<c> hooks, signals, and the atomic status-file updates of RSV-13.
 */
import { closeSync, constants as fsConstants, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { errorCode, errorText } from '../errors.js';
import { spawnTracked } from '../sys/spawned.js';
import { close as closeFd } from '../sys/index.js';
import type { ChildExit, StatusFiles } from './record.js';
import type { ChildKind, StartResult, SupervisorHost } from './supervisor.js';

const TRUNC_OPEN = fsConstants.O_WRONLY | fsConstants.O_NONBLOCK | fsConstants.O_TRUNC | fsConstants.O_CREAT;
const FORK_ERRORS = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

export interface HostOptions {
  /** Absolute service directory. */
  root: string;
  /** [read end, write end] of the log pipe, when there is a log service. */
  logPipe: [number, number] | undefined;
  /** One finished diagnostic line (with runit's `runsv NAME: ` prefix) to print. */
  writeLine: (line: string) => void;
  name: string;
}

export class ProcessHost implements SupervisorHost {
  private readonly root: string;
  private logPipe: [number, number] | undefined;
  private readonly writeLine: (line: string) => void;
  private readonly prefix: string;
  private readonly live = new Set<number>();

  constructor(options: HostOptions) {
    this.root = options.root;
    this.logPipe = options.logPipe;
    this.writeLine = options.writeLine;
    this.prefix = `runsv ${options.name}: `;
  }

  warn(text: string): void {
    this.writeLine(`${this.prefix}warning: ${text}\n`);
  }

  private fatalInChild(text: string): void {
    this.writeLine(`${this.prefix}fatal: ${text}\n`);
  }

  /** Pids of every child started here and not yet exited (service, finish, log, hooks). */
  livePids(): number[] {
    return [...this.live];
  }

  start(kind: ChildKind, args: readonly string[], onExit: (exit: ChildExit) => void): Promise<StartResult> {
    const file = kind === 'finish' ? './finish' : './run';
    const cwd = kind === 'log' ? join(this.root, 'log') : this.root;
    const stdio: StdioOptions =
      kind === 'log' ? [this.logPipe?.[0] ?? 'ignore', 1, 2] : [0, this.logPipe?.[1] ?? 1, 2];
    const what = kind === 'log' ? 'log/./run' : file;
    return new Promise((resolve) => {
      const settle = (error: unknown): void => {
        if (FORK_ERRORS.has(errorCode(error) ?? '')) return resolve({ kind: 'fork-failed', error });
        this.fatalInChild(`unable to start ${what}: ${errorText(error)}`);
        resolve({ kind: 'exec-failed' });
      };
      let child;
      try {
        child = spawnTracked(file, args, { cwd, stdio, argv0: file });
      } catch (error) {
        return settle(error);
      }
      child.once('error', settle);
      child.once('spawn', () => {
        const pid = child.pid!;
        this.live.add(pid);
        // 'exit' comes once; `on` spares the wrapper `once` would keep for the child's lifetime.
        child.on('exit', (code, signal) => {
          this.live.delete(pid);
          onExit({ code, signal: signal === null ? 0 : osConstants.signals[signal] });
        });
        resolve({ kind: 'started', pid });
      });
    });
  }

  runHook(c: string): Promise<boolean> {
    const relative = `control/${c}`;
    let mode: number;
    try {
      mode = statSync(join(this.root, relative)).mode;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') this.warn(`unable to stat ${relative}: ${errorText(error)}`);
      return Promise.resolve(false);
    }
    if ((mode & 0o100) === 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      let child;
      try {
        child = spawnTracked(relative, [], { cwd: this.root, stdio: [0, this.logPipe?.[1] ?? 1, 2], argv0: relative });
      } catch (error) {
        this.warn(`unable to fork for ${relative}: ${errorText(error)}`);
        return resolve(false);
      }
      child.once('error', (error) => {
        if (FORK_ERRORS.has(errorCode(error) ?? '')) this.warn(`unable to fork for ${relative}: ${errorText(error)}`);
        else this.fatalInChild(`unable to run control/?: ${errorText(error)}`);
        resolve(false);
      });
      child.once('spawn', () => {
        const pid = child.pid!;
        this.live.add(pid);
        // A hook killed by a signal reads as exit code 0 in runit: "handled" (RSV-28).
        child.once('exit', (code) => {
          this.live.delete(pid);
          resolve(code === null || code === 0);
        });
      });
    });
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(pid, signal);
    } catch {
      // The child is already gone; its exit is on its way.
    }
  }

  canReadFinish(): boolean {
    try {
      closeSync(openSync(join(this.root, 'finish'), fsConstants.O_RDONLY | fsConstants.O_NONBLOCK));
      return true;
    } catch {
      return false;
    }
  }

  writeStatus(isLog: boolean, files: StatusFiles): void {
    const dirName = isLog ? 'log/supervise' : 'supervise';
    const dir = join(this.root, dirName);
    if (files.pid !== undefined) {
      if (!this.writeNew(dir, dirName, 'pid', files.pid)) return;
      if (!this.rename(dir, dirName, 'pid')) return;
    }
    if (!this.writeNew(dir, dirName, 'stat', files.stat)) return;
    this.rename(dir, dirName, 'stat');
    if (!this.writeNew(dir, dirName, 'status', files.status)) return;
    this.rename(dir, dirName, 'status');
  }

  private writeNew(dir: string, dirName: string, name: string, content: string | Uint8Array): boolean {
    const path = join(dir, `${name}.new`);
    let fd: number;
    try {
      fd = openSync(path, TRUNC_OPEN, 0o644);
    } catch (error) {
      this.warn(`unable to open ${dirName}/${name}.new: ${errorText(error)}`);
      return false;
    }
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      const written = bytes.length === 0 ? 0 : writeSync(fd, bytes);
      if (written !== bytes.length) {
        this.warn(`unable to write ${dirName}/${name}.new: partial write.`);
        return false;
      }
      return true;
    } catch (error) {
      this.warn(`unable to write ${dirName}/${name}.new: ${errorText(error)}`);
      try {
        unlinkSync(path);
      } catch {
        // nothing more to do: the old file stays in place
      }
      return false;
    } finally {
      closeSync(fd);
    }
  }

  private rename(dir: string, dirName: string, name: string): boolean {
    try {
      renameSync(join(dir, `${name}.new`), join(dir, name));
      return true;
    } catch (error) {
      this.warn(`unable to rename ${name}.new to ${dirName}/${name}: ${errorText(error)}`);
      return false;
    }
  }

  closeLogPipe(): void {
    const pipe = this.logPipe;
    if (pipe === undefined) return;
    this.logPipe = undefined;
    for (const [index, fd] of [[1, pipe[1]], [0, pipe[0]]] as const) {
      try {
        closeFd(fd);
      } catch (error) {
        this.warn(`unable to close logpipe[${index}]: ${errorText(error)}`);
      }
    }
  }
}
