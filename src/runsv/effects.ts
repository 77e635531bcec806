/**
 * The real side effects of a Supervisor: children through libuv (registered for the init's
 * reaper), control/<c> hooks and signals. Status files go to the SuperviseFiles it is given.
 */
import { accessSync, closeSync, constants as fsConstants, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { errorCode, errorText } from '../errors.js';
import { canSpawnDirect, spawnDirect } from '../sys/direct-spawn.js';
import { spawnTracked } from '../sys/spawned.js';
import { close as closeFd } from '../sys/index.js';
import { LOG, SERVICE_FILE } from '../protocol/layout.js';
import { FOLLOWS_MAINPID_VARIABLE } from '../protocol/main-pid.js';
import { exitWatch as sharedExitWatch, type ExitWatch } from './exit-watch.js';
import type { InlineLog } from './inline-log.js';
import { UNKNOWN_EXIT, type ChildExit, type StatusFiles } from './record.js';
import type { RunStatsKeeper } from './run-stats.js';
import { formatBackoffFile, formatReadyFile, type BackoffInfo } from '../protocol/readiness.js';
import type { Tai64n } from '../protocol/tai64n.js';
import type { SiblingState } from './dependencies.js';
import type { ExtensionEffects } from './extensions.js';
import type { Notice } from './notice.js';
import { followProcess, mainPidRefusal } from './main-pid.js';
import { NotificationPipe } from './notification-pipe.js';
import { NotifySocket } from './notify-socket.js';
import type { PassedFds } from './passed-fds.js';
import type { ServiceNotes } from './readiness.js';
import { PLAIN_RUNIT, type ServiceOptions } from './service-options.js';
import { siblingDependencies, siblingState } from './siblings.js';
import type { SuperviseFiles } from './supervise-files.js';
import type { ChildKind, StartResult, SupervisorEffects } from './supervisor.js';

const FORK_ERRORS = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

/**
 * sd_listen_fds(3) takes the descriptors only when LISTEN_PID is the caller's own pid, which is
 * not known before the spawn and libuv cannot set after its fork. sh knows its pid and exec
 * keeps it: `./run` is exec'd with LISTEN_PID=$$, its argv[0] still `./run`.
 */
const SET_LISTEN_PID = 'LISTEN_PID=$$ exec "$0" "$@"';

/** Whether ./run can be exec'd; if not, it is spawned directly so the failure reads as runit's. */
function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export { UNKNOWN_EXIT } from './record.js';

export interface EffectsOptions {
  /** Absolute service directory. */
  root: string;
  /** [read end, write end] of the log pipe, when there is a log service. */
  logPipe: [number, number] | undefined;
  /** One finished diagnostic line (with runit's `runsv NAME: ` prefix) to print. */
  writeLine: (line: string) => void;
  name: string;
  /** Where the exits of taken-over processes are noticed; the process's shared one by default. */
  exitWatch?: ExitWatch;
  /** Run a recognised `log/run` with the svlogd engine in this process (inline-log.ts). */
  isLogInline?: boolean;
  /** The extension files read at start-up (service-options.ts); default: none. */
  serviceOptions?: ServiceOptions;
}

export class SystemEffects implements SupervisorEffects, ExtensionEffects {
  private readonly root: string;
  private logPipe: [number, number] | undefined;
  private readonly writeLine: (line: string) => void;
  private readonly prefix: string;
  private readonly live = new Set<number>();
  private readonly isLogInline: boolean;
  /** The log service while the svlogd engine runs it in this process. */
  private inlineLog: InlineLog | undefined;
  /** Set by setUp once it holds the locks: status writes go nowhere before that. */
  private superviseFiles: SuperviseFiles | undefined;
  private logSuperviseFiles: SuperviseFiles | undefined;
  private readonly exitWatch: ExitWatch;
  private runStats: RunStatsKeeper | undefined;
  private readonly serviceOptions: ServiceOptions;
  private notifySocket: NotifySocket | undefined;
  /** Where the notify socket's notices go: the current instance of ./run. */
  private onNotice: ((notice: Notice) => void) | undefined;
  /** `listen` sockets and the fd store, passed to ./run from fd 3 (passed-fds.ts). */
  private passedFds: PassedFds | undefined;

  constructor(options: EffectsOptions) {
    this.exitWatch = options.exitWatch ?? sharedExitWatch;
    this.root = options.root;
    this.logPipe = options.logPipe;
    this.writeLine = options.writeLine;
    this.prefix = `runsv ${options.name}: `;
    this.isLogInline = options.isLogInline === true;
    this.serviceOptions = options.serviceOptions ?? PLAIN_RUNIT;
  }

  /** The descriptors ./run gets from fd 3 on, held from now until the supervisor ends. */
  usePassedFds(passed: PassedFds): void {
    this.passedFds = passed;
  }

  mayPassFds(recheck: () => void): boolean {
    return this.passedFds?.mayStart(recheck) ?? true;
  }

  closePassedFds(): void {
    this.passedFds?.close();
    this.passedFds = undefined;
  }

  /** How many descriptors this supervisor holds for its service beyond its own files. */
  get heldFdCount(): number {
    return this.passedFds?.count ?? 0;
  }

  /** `notify-socket`: binds the service's socket at `path` (absolute, in supervise/). */
  openNotifySocket(path: string): void {
    const store = this.passedFds?.store;
    const onFds = store && ((notice: Notice, fds: number[]): void => store.received(notice, fds));
    try {
      this.notifySocket = NotifySocket.open(path, (notice) => this.onNotice?.(notice), (text) => this.warn(text), onFds);
    } catch (error) {
      this.warn(`unable to create notify socket: ${errorText(error)}`);
    }
  }

  closeNotifySocket(): void {
    this.notifySocket?.close();
    this.notifySocket = undefined;
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

  async start(
    kind: ChildKind,
    args: readonly string[],
    onExit: (exit: ChildExit) => void,
    onNotice?: (notice: Notice) => void,
  ): Promise<StartResult> {
    if (kind === 'log' && this.isLogInline && this.logPipe !== undefined && (await this.startInlineLog(onExit))) {
      return { kind: 'started', pid: process.pid };
    }
    return this.spawnChild(kind, args, onExit, onNotice);
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
    const { args, cwd, user, umask } = recognised;
    const owner = user === undefined ? undefined : ownerOf(user);
    if (user !== undefined) {
      const base = logBase(logRoot, cwd);
      if (owner === undefined || !args.dirs.every((dir) => isWritableBy(dir.startsWith('/') ? dir : `${base}/${dir}`, owner))) return false;
    }
    const inlineLog = new InlineLog({ root: logRoot, args, cwd, writeLine: this.writeLine, owner, umask });
    this.inlineLog = inlineLog;
    inlineLog.start(this.logPipe[0], (exit) => {
      if (this.inlineLog === inlineLog) this.inlineLog = undefined;
      onExit(exit);
    });
    return true;
  }

  private spawnChild(
    kind: ChildKind,
    args: readonly string[],
    onExit: (exit: ChildExit) => void,
    onNotice?: (notice: Notice) => void,
  ): Promise<StartResult> {
    const file = kind === 'finish' ? `./${SERVICE_FILE.finish}` : `./${SERVICE_FILE.run}`;
    const cwd = kind === 'log' ? join(this.root, LOG) : this.root;
    // Grown to index N for notification-fd (notificationPipe), so a plain array.
    const stdio: (string | number)[] =
      kind === 'log' ? [this.logPipe?.[0] ?? 'ignore', 1, 2] : [0, this.logPipe?.[1] ?? 1, 2];
    const what = kind === 'log' ? `${LOG}/${file}` : file;
    const passed = kind === 'run' ? this.passedFds?.forStart() : undefined;
    let env: NodeJS.ProcessEnv | undefined;
    if (passed !== undefined && passed.fds.length > 0) {
      // systemd's sd_listen_fds(3): fds 3.., how many, and their names.
      stdio.push(...passed.fds);
      env = { ...process.env, LISTEN_FDS: String(passed.fds.length), LISTEN_FDNAMES: passed.names.join(':') };
    }
    const notification = onNotice === undefined ? undefined : this.notificationPipe(stdio);
    if (onNotice !== undefined && this.notifySocket !== undefined) {
      // The supervisor follows MAINPID= (main-pid.ts): a replacing daemon may hand over.
      env = { ...(env ?? process.env), NOTIFY_SOCKET: this.notifySocket.address, [FOLLOWS_MAINPID_VARIABLE]: '1' };
      // sd_watchdog_enabled() reads this; WATCHDOG_PID is left out: the pid is not known before the spawn.
      if (this.serviceOptions.watchdog > 0) env['WATCHDOG_USEC'] = String(this.serviceOptions.watchdog * 1000);
      this.onNotice = onNotice;
    }
    return new Promise((resolve) => {
      const settle = (error: unknown): void => {
        notification?.discard();
        if (FORK_ERRORS.has(errorCode(error) ?? '')) return resolve({ kind: 'fork-failed', error });
        this.fatalInChild(`unable to start ${what}: ${errorText(error)}`);
        resolve({ kind: 'exec-failed' });
      };
      const started = (pid: number): void => {
        notification?.childHasIt(() => onNotice!({ isReady: true }));
        this.live.add(pid);
        resolve({ kind: 'started', pid });
      };
      const exited = (pid: number, exit: ChildExit): void => {
        this.live.delete(pid);
        onExit(exit);
      };
      // With descriptors to pass, ./run is exec'd by sh, which sets LISTEN_PID to its own pid first.
      const isThroughShell = env?.['LISTEN_FDS'] !== undefined && isExecutable(join(cwd, file));
      const [program, argv, argv0] = isThroughShell ? ['/bin/sh', ['-c', SET_LISTEN_PID, file, ...args], '/bin/sh'] : [file, args, file];
      if (canSpawnDirect(stdio)) {
        // The pid is known before the exec, as runsv knows it after its fork (direct-spawn.ts).
        let pid = 0;
        try {
          pid = spawnDirect(program, argv, { cwd, stdio, argv0, env: env ?? process.env }, (code, signal) => exited(pid, { code, signal }));
        } catch (error) {
          return settle(error);
        }
        return started(pid);
      }
      let child;
      try {
        child = spawnTracked(program, argv, { cwd, stdio: stdio as StdioOptions, argv0, ...(env && { env }) });
      } catch (error) {
        return settle(error);
      }
      child.once('error', settle);
      child.once('spawn', () => {
        const pid = child.pid!;
        // 'exit' comes once; `on` spares the wrapper `once` would keep for the child's lifetime.
        child.on('exit', (code, signal) => exited(pid, { code, signal: signal === null ? 0 : osConstants.signals[signal] }));
        started(pid);
      });
    });
  }

  /**
   * A process a previous supervisor started (adopt.ts): counted as ours from now on, its exit
   * reported through `onExit` as UNKNOWN_EXIT (at once if it is already gone).
   */
  adopt(pid: number, onExit: (exit: ChildExit) => void): void {
    const isWatched = this.exitWatch.watch(pid, () => {
      this.live.delete(pid);
      onExit(UNKNOWN_EXIT);
    });
    if (isWatched) this.live.add(pid);
    else onExit(UNKNOWN_EXIT);
  }

  /** `MAINPID=`: a descendant of ./run becomes the process supervised (main-pid.ts). */
  followMainPid(current: number, named: number, onExit: (exit: ChildExit) => void): boolean {
    const refusal = mainPidRefusal(current, named);
    if (refusal !== undefined) {
      this.warn(refusal);
      return false;
    }
    this.live.add(named);
    followProcess(this.exitWatch, named, (exit) => {
      this.live.delete(named);
      onExit(exit);
    });
    return true;
  }

  /** Stops watching taken-over processes (the supervisor is ending or failed to start). */
  forgetAdopted(): void {
    for (const pid of this.live) {
      if (!this.exitWatch.has(pid)) continue;
      this.exitWatch.forget(pid);
      this.live.delete(pid);
    }
  }

  /** `notification-fd N`: the pipe whose write end ./run gets as fd N (stdio index N). */
  private notificationPipe(stdio: (string | number)[]): NotificationPipe | undefined {
    const fd = this.serviceOptions.notificationFd;
    if (fd === undefined) return undefined;
    let pipe: NotificationPipe;
    try {
      pipe = new NotificationPipe();
    } catch (error) {
      this.warn(`unable to create notification pipe: ${errorText(error)}`);
      return undefined;
    }
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = pipe.writeFd;
    return pipe;
  }

  writeReady(stamp: Tai64n | undefined): void {
    this.superviseFiles?.writeExtension('ready', stamp && formatReadyFile(stamp));
  }

  writeBackoff(info: BackoffInfo | undefined): void {
    this.superviseFiles?.writeExtension('backoff', info && formatBackoffFile(info));
  }

  writeNotes(notes: ServiceNotes | undefined): void {
    let text: string | undefined;
    if (notes !== undefined) {
      text = '';
      if (notes.statusText !== undefined) text += `STATUS=${notes.statusText.replaceAll('\n', ' ')}\n`;
      if (notes.mainPid !== undefined) text += `MAINPID=${notes.mainPid}\n`;
    }
    this.superviseFiles?.writeExtension('notes', text);
  }

  siblingState(name: string): SiblingState {
    return siblingState(this.sibling(name));
  }

  siblingDependencies(name: string): readonly string[] {
    return siblingDependencies(this.sibling(name));
  }

  /** `../NAME` of the held directory: the kernel takes `..` from the directory itself. */
  private sibling(name: string): string {
    return `${this.root}/../${name}`;
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

  /**
   * A signal sent to this process from outside, meant for the log service run in it (HUP, ALRM
   * to a standalone runsv: docs/runsv.md). False when no log service runs here.
   */
  signalInlineLog(signal: NodeJS.Signals): boolean {
    if (this.inlineLog === undefined) return false;
    this.inlineLog.signal(signal);
    return true;
  }

  signal(pid: number, signal: NodeJS.Signals): void {
    if (pid === process.pid) {
      // Only the log service run in this process has this pid; never signal ourselves.
      this.inlineLog?.signal(signal);
      return;
    }
    // A taken-over process through its pidfd: its pid may be another's by the time we notice.
    if (this.exitWatch.has(pid)) return this.exitWatch.signal(pid, osConstants.signals[signal]);
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

  /** The run statistics, once setUp has read what an earlier supervisor left. */
  useRunStats(stats: RunStatsKeeper): void {
    this.runStats = stats;
  }

  runStarted(pid: number): void {
    this.runStats?.started(pid);
  }

  runExited(exit: ChildExit, isRequested: boolean): void {
    this.runStats?.exited(exit, isRequested);
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
