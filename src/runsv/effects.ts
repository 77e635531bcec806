/**
 * The real side effects of a Supervisor: children through libuv (registered for the init's
 * reaper), control/<c> hooks and signals. Status files go to the SuperviseFiles it is given.
 */
import { closeSync, constants as fsConstants, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { errorCode, errorText } from '../errors.js';
import { spawnTracked } from '../sys/spawned.js';
import { close as closeFd } from '../sys/index.js';
import { LOG, SERVICE_FILE } from '../protocol/layout.js';
import type { InlineLog } from './inline-log.js';
import type { ChildExit, StatusFiles } from './record.js';
import type { SuperviseFiles } from './supervise-files.js';
import type { ChildKind, StartResult, SupervisorEffects } from './supervisor.js';

const FORK_ERRORS = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

export interface EffectsOptions {
  /** Absolute service directory. */
  root: string;
  /** [read end, write end] of the log pipe, when there is a log service. */
  logPipe: [number, number] | undefined;
  /** One finished diagnostic line (with runit's `runsv NAME: ` prefix) to print. */
  writeLine: (line: string) => void;
  name: string;
  /** Run a recognised `log/run` with the svlogd engine in this process (inline-log.ts). */
  isLogInline?: boolean;
}

export class SystemEffects implements SupervisorEffects {
  private readonly root: string;
  private logPipe: [number, number] | undefined;
  private readonly writeLine: (line: string) => void;
  private readonly prefix: string;
  private readonly live = new Set<number>();
  private readonly isLogInline: boolean;
  /** The log service while the svlogd engine runs it in this process. */
  private inlineLog: InlineLog | undefined;
  /** Set once setUp has made them: the Supervisor is built (and so has effects) before that. */
  private superviseFiles: SuperviseFiles | undefined;
  private logSuperviseFiles: SuperviseFiles | undefined;

  constructor(options: EffectsOptions) {
    this.root = options.root;
    this.logPipe = options.logPipe;
    this.writeLine = options.writeLine;
    this.prefix = `runsv ${options.name}: `;
    this.isLogInline = options.isLogInline === true;
  }

  /** Where writeStatus goes, for the service and for its log service. */
  useSuperviseFiles(main: SuperviseFiles, log: SuperviseFiles | undefined): void {
    this.superviseFiles = main;
    this.logSuperviseFiles = log;
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

  async start(kind: ChildKind, args: readonly string[], onExit: (exit: ChildExit) => void): Promise<StartResult> {
    if (kind === 'log' && this.isLogInline && this.logPipe !== undefined && (await this.startInlineLog(onExit))) {
      return { kind: 'started', pid: process.pid };
    }
    return this.spawnChild(kind, args, onExit);
  }

  /**
   * Runs log/run in this process if it is recognisably svlogd on the pipe. Read at every start,
   * as runsv execs log/run at every start: an edited log/run takes effect at the next one.
   */
  private async startInlineLog(onExit: (exit: ChildExit) => void): Promise<boolean> {
    const logRoot = join(this.root, LOG);
    let text: string;
    try {
      if (existsSync(join(logRoot, SERVICE_FILE.noInlineLog))) return false;
      text = readFileSync(join(logRoot, SERVICE_FILE.run), 'latin1');
    } catch {
      return false; // the spawn that follows reports it in runit's words
    }
    // Loaded here, not with this file: a runsv process never pays for the svlogd engine.
    const { InlineLog, isWritableBy, logBase, ownerOf, recogniseLogRun } = await import('./inline-log.js');
    const recognised = recogniseLogRun(text);
    if (recognised === undefined || this.logPipe === undefined) return false;
    const { args, cwd, user } = recognised;
    const owner = user === undefined ? undefined : ownerOf(user);
    if (user !== undefined) {
      const base = logBase(logRoot, cwd);
      if (owner === undefined || !args.dirs.every((dir) => isWritableBy(dir.startsWith('/') ? dir : `${base}/${dir}`, owner))) return false;
    }
    const inlineLog = new InlineLog({ root: logRoot, args, cwd, writeLine: this.writeLine, owner });
    this.inlineLog = inlineLog;
    inlineLog.start(this.logPipe[0], (exit) => {
      if (this.inlineLog === inlineLog) this.inlineLog = undefined;
      onExit(exit);
    });
    return true;
  }

  private spawnChild(kind: ChildKind, args: readonly string[], onExit: (exit: ChildExit) => void): Promise<StartResult> {
    const file = kind === 'finish' ? `./${SERVICE_FILE.finish}` : `./${SERVICE_FILE.run}`;
    const cwd = kind === 'log' ? join(this.root, LOG) : this.root;
    const stdio: StdioOptions =
      kind === 'log' ? [this.logPipe?.[0] ?? 'ignore', 1, 2] : [0, this.logPipe?.[1] ?? 1, 2];
    const what = kind === 'log' ? `${LOG}/${file}` : file;
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
    const relative = `${SERVICE_FILE.controlHooks}/${c}`;
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
    if (pid === process.pid) {
      // Only the log service run in this process has this pid; never signal ourselves.
      this.inlineLog?.signal(signal);
      return;
    }
    try {
      process.kill(pid, signal);
    } catch {
      // The child is already gone; its exit is on its way.
    }
  }

  canReadFinish(): boolean {
    try {
      closeSync(openSync(join(this.root, SERVICE_FILE.finish), fsConstants.O_RDONLY | fsConstants.O_NONBLOCK));
      return true;
    } catch {
      return false;
    }
  }

  writeStatus(isLog: boolean, files: StatusFiles): void {
    (isLog ? this.logSuperviseFiles : this.superviseFiles)?.writeStatus(files);
  }

  /** The init's last resort: KILL every child, and end a log service run in this process. */
  killAll(): void {
    for (const pid of this.live) this.signal(pid, 'SIGKILL');
    this.inlineLog?.signal('SIGKILL');
  }

  resumeControl(isLog: boolean): void {
    (isLog ? this.logSuperviseFiles : this.superviseFiles)?.resumeControl();
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
