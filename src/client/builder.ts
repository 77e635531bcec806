/**
 * ServiceBuilder: a fluent way to write a supervised service directory (run, finish, down, env/,
 * log/run and the log directory's config) for runit, daemontools or s6, atomically.
 *
 * Modelled on go-runit's ServiceBuilder, without its mistakes: svlogd's settings go into the
 * log directory's `config` file (svlogd reads every argument as a directory), the group is
 * `chpst -u user:group` (not `-U`, which is envuidgid), and every word is shell-quoted.
 */
import { resolve } from 'node:path';
import { renderService, type ServiceFiles } from './builder-render.js';
import {
  validateSpec,
  type Flavour,
  type LogOptions,
  type ProcessOptions,
  type ServiceLimits,
  type FinishOptions,
  type ServiceSpec,
  type StderrTarget,
} from './builder-spec.js';
import { checkAccounts } from './builder-accounts.js';
import { stageServiceDir, writeServiceDir } from './builder-write.js';
import { emptyExtensionSpec, type ReadinessProtocol } from './builder-extensions.js';

export type { FinishOptions, Flavour, LogOptions, ProcessOptions, ServiceLimits, StderrTarget, Timestamps } from './builder-spec.js';
export type { ServiceFile, ServiceFiles } from './builder-render.js';
export type { ReadinessProtocol } from './builder-extensions.js';

/** How a service says it is ready (docs/extensions.md). */
export interface ReadinessOptions {
  /** notification-fd's descriptor (default 3). */
  fd?: number;
  /**
   * Also write the one-line `./check` with which real runit's `sv -w` waits for readiness
   * (runit flavour; default true there). Our sv waits without it.
   */
  check?: boolean;
}
export { quoteShellWord, quoteShellCommand } from './shell-quote.js';

export class ServiceBuilder {
  private readonly spec: {
    -readonly [K in keyof ServiceSpec]: ServiceSpec[K];
  };
  private readonly envMap = new Map<string, string>();
  private readonly toolMap = new Map<string, string>();

  /**
   * @param name the service directory's name (no `/`, not starting with `.`)
   * @param parent the directory it is created in (e.g. `/etc/sv` or a DevTree's services dir)
   */
  constructor(name: string, parent: string, flavour: Flavour = 'runit') {
    this.spec = {
      name,
      parent,
      flavour,
      command: [],
      cwd: undefined,
      umask: undefined,
      env: this.envMap,
      process: {},
      stderr: 'stdout',
      finish: undefined,
      isDown: false,
      log: undefined,
      tools: this.toolMap,
      extensions: emptyExtensionSpec(),
    };
  }

  static runit(name: string, parent: string): ServiceBuilder {
    return new ServiceBuilder(name, parent, 'runit');
  }

  static daemontools(name: string, parent: string): ServiceBuilder {
    return new ServiceBuilder(name, parent, 'daemontools');
  }

  static s6(name: string, parent: string): ServiceBuilder {
    return new ServiceBuilder(name, parent, 's6');
  }

  get flavour(): Flavour {
    return this.spec.flavour;
  }

  /** Where build() puts the service: `<parent>/<name>`, resolved against the current directory. */
  get path(): string {
    return resolve(this.spec.parent, this.spec.name);
  }

  /** The program and its arguments; `./run` execs it, so the supervisor watches it directly. */
  command(argv: readonly string[]): this {
    this.spec.command = [...argv];
    return this;
  }

  /** The working directory (absolute, or relative to the service directory). */
  cwd(dir: string): this {
    this.spec.cwd = dir;
    return this;
  }

  umask(mask: number): this {
    this.spec.umask = mask;
    return this;
  }

  /** One environment variable, passed through the service's `env/` directory. */
  env(name: string, value: string): this {
    this.envMap.set(name, value);
    return this;
  }

  /** Many environment variables at once. */
  envs(values: Readonly<Record<string, string>>): this {
    for (const [name, value] of Object.entries(values)) this.envMap.set(name, value);
    return this;
  }

  /** Account, nice, chroot and limits; merged with what earlier calls set. */
  process(options: ProcessOptions): this {
    const limits = options.limits === undefined ? this.spec.process.limits : { ...this.spec.process.limits, ...options.limits };
    this.spec.process = { ...this.spec.process, ...options, ...(limits === undefined ? {} : { limits }) };
    return this;
  }

  /** Run as `user` (and `group`, runit only). */
  user(user: string, group?: string): this {
    return this.process(group === undefined ? { user } : { user, group });
  }

  limits(limits: ServiceLimits): this {
    return this.process({ limits });
  }

  /** Where stderr goes; the default `'stdout'` sends it to the log service with stdout. */
  stderr(target: StderrTarget): this {
    this.spec.stderr = target;
    return this;
  }

  /**
   * A `./finish` that runs `argv` exactly (with the same env, cwd, umask and account) each time
   * `./run` ends; undefined removes it. runsv calls `./finish` with two arguments, ./run's exit
   * code (`-1` when killed) and the signal (`0` when it exited) (RSV-19); they reach `argv` only
   * with `{ withStatus: true }`, appended after its own words: `finish(['sleep', '0.5'])` sleeps
   * half a second, where a plain `sleep 0.5 3 0` would sleep 3.5.
   */
  finish(argv: readonly string[] | undefined, options: FinishOptions = {}): this {
    this.spec.finish = argv === undefined ? undefined : { argv: [...argv], withStatus: options.withStatus ?? false };
    return this;
  }

  /** Writes a `down` file: the supervisor does not start the service until told to. */
  down(isDown = true): this {
    this.spec.isDown = isDown;
    return this;
  }

  /** Adds a log service (`log/run`) and its log directory. */
  log(options: LogOptions = {}): this {
    this.spec.log = { ...options };
    return this;
  }

  /**
   * The service says when it is ready: `notification-fd` (s6: it writes a newline to fd N) or
   * `notify-socket` (systemd's sd_notify, READY=1; runit flavour). See docs/extensions.md.
   */
  readiness(protocol: ReadinessProtocol, options: ReadinessOptions = {}): this {
    this.spec.extensions.readiness = {
      protocol,
      fd: options.fd ?? 3,
      writeCheck: options.check ?? this.spec.flavour === 'runit',
    };
    return this;
  }

  /** With notify-socket readiness: SIGABRT when no `WATCHDOG=1` arrives for this many ms (systemd's WatchdogSec). */
  watchdog(millis: number): this {
    this.spec.extensions.watchdog = millis;
    return this;
  }

  /** s6's timeout-kill: SIGKILL this many ms after the stop signal of a `d`, `x` or tree stop. */
  timeoutKill(millis: number): this {
    this.spec.extensions.timeoutKill = millis;
    return this;
  }

  /** s6's timeout-finish: a `./finish` still running after this many ms is killed. */
  timeoutFinish(millis: number): this {
    this.spec.extensions.timeoutFinish = millis;
    return this;
  }

  /** s6's down-signal: what `d` sends instead of SIGTERM (e.g. 'SIGQUIT'). */
  downSignal(signal: string): this {
    this.spec.extensions.downSignal = signal;
    return this;
  }

  /** restart-backoff: restarts after `first` ms, doubling up to `max` (runit flavour). */
  restartBackoff(first: number, max: number = first): this {
    this.spec.extensions.restartBackoff = { first, max };
    return this;
  }

  /** dependencies.d: not started until these sibling services are ready (runit flavour). */
  dependsOn(...names: string[]): this {
    this.spec.extensions.dependencies.push(...names);
    return this;
  }

  /**
   * `listen`: a socket the supervisor binds and holds across restarts, passed as fd 3.. with
   * LISTEN_FDS (runit flavour), one `listen` line: `tcp:127.0.0.1:8080 name=web`,
   * `tcp6:[::1]:443`, `udp:0.0.0.0:53`, `unix:/run/web.sock 0660`. Call once per socket.
   */
  listen(line: string): this {
    this.spec.extensions.listen.push(line);
    return this;
  }

  /** `fdstore-max`: how many descriptors the service may park with `FDSTORE=1` (needs notify-socket). */
  fdstoreMax(count: number): this {
    this.spec.extensions.fdstoreMax = count;
    return this;
  }

  /** Calls a tool by this path instead of through PATH (e.g. `tool('svlogd', '/opt/bin/svlogd')`). */
  tool(name: string, path: string): this {
    this.toolMap.set(name, path);
    return this;
  }

  /**
   * The files build() would write, without writing them. Throws RunitError ERR_INVALID for
   * input that cannot make a working service.
   */
  render(): ServiceFiles {
    validateSpec(this.spec);
    return renderService(this.spec);
  }

  /**
   * Validates (the accounts named must exist here), then writes the service directory
   * atomically. Resolves with its path; rejects with ERR_INVALID (nothing written) or ERR_EXISTS
   * (the target is already there: DevTree#replace swaps a service for a new definition).
   */
  async build(): Promise<string> {
    return writeServiceDir(this.path, await this.checkedFiles());
  }

  /**
   * Validates like build(), then writes the whole service into a new dot-named directory beside
   * `path` (invisible to runsvdir and svscan) and resolves with that directory, for a caller that
   * moves it into place itself (DevTree#replace).
   */
  async stage(): Promise<string> {
    return stageServiceDir(this.path, await this.checkedFiles());
  }

  private async checkedFiles(): Promise<ServiceFiles> {
    const files = this.render();
    await checkAccounts(this.spec);
    return files;
  }
}
