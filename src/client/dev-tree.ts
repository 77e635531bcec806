/**
 * DevTree: a service tree for one user or project, supervised by our runsvdir --in-process (one
 * Node process for every service; no real runit needed). go-runit's DevTree is a stub; this one
 * works:
 *
 *   <base>/services/<name>   service directories (ServiceBuilder writes them here)
 *   <base>/enabled/<name>    symlinks to ../services/<name>: what runsvdir supervises
 *   <base>/log/runsvdir.log  runsvdir's own output
 *   <base>/runsvdir.pid      the detached runsvdir's pid
 *
 * By default the runsvdir a DevTree starts is stopped when the process that started it ends
 * (signal-exit); `outlive: true` keeps it, for a tree meant to stay up (a per-user tree).
 */
import { mkdir, readFile, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorCode, RunitError } from '../errors.js';
import { checkServiceName } from './builder-spec.js';
import { ServiceBuilder } from './builder.js';
import { pollUntil, readRunsvdirPid, spawnRunsvdir, stopOnExit, type RunsvdirPlace } from './dev-tree-runsvdir.js';
import { isAnySupervised, isProcessAlive, isServiceSupervised, readServiceStatus, serviceNames, type DevServiceStatus } from './dev-tree-status.js';
import { isPathPresent, moveAside, stopSupervisor, swapServiceDir } from './dev-tree-swap.js';
import { findOrphans, stopOrphans, waitExited, type Orphan } from './orphans.js';
import type { Client } from './client.js';
import { dependencyLayers } from './dependency-order.js';
import { Manager, ManagerError } from './manager.js';
import type { Status } from './status.js';
import { RestartOnChange, type RestartOnChangeOptions } from './restart-on-change.js';

export type { DevServiceStatus } from './dev-tree-status.js';
export type { Orphan } from './orphans.js';

const BIN = fileURLToPath(new URL('../../../bin/', import.meta.url));

export interface DevTreeOptions {
  /** The scanner to start: default our `bin/runsvdir --in-process` under this Node. */
  runsvdir?: { command: string; args: readonly string[] };
  /** Tools the trees' services call (see ServiceBuilder.tool); default our bin/chpst and bin/svlogd. */
  tools?: Readonly<Record<string, string>>;
  /**
   * Keep the runsvdir this DevTree starts running after this process exits or crashes (default
   * false: it is sent HUP then, and stops every service; a SIGKILL cannot be caught).
   */
  outlive?: boolean;
}

export interface StopOptions {
  /** How long to wait for runsvdir and every supervisor to exit (ms, default 30000). */
  timeout?: number;
  /**
   * stopRunsvdir(): told of each service (or log service) found running with no supervisor,
   * left by a runsvdir that was killed; it is then stopped (TERM, KILL after 7 s), services
   * before their logs.
   */
  onOrphan?: (orphan: Orphan) => void;
}

/** The grace period for orphans, as runsvdir's own (RUNSVDIR_GRACE's default). */
const ORPHAN_GRACE_MILLIS = 7000;

const DEFAULT_TIMEOUT = 30_000;

function checkName(name: string): void {
  if (name.length === 0 || name.startsWith('.') || name.includes('/') || name.includes('\0')) {
    throw new RunitError('ERR_INVALID', `bad service name ${JSON.stringify(name)}`);
  }
}

/** A failed file operation on the tree as a RunitError (ERR_SYS, the errno error as its cause). */
function asTreeError(error: unknown): RunitError {
  if (error instanceof RunitError) return error;
  return new RunitError('ERR_SYS', error instanceof Error ? error.message : String(error), { cause: error });
}

async function isPresent(path: string): Promise<boolean> {
  return isPathPresent(path).catch((error: unknown) => {
    throw asTreeError(error);
  });
}

export class DevTree {
  readonly base: string;
  private readonly options: DevTreeOptions;
  private starting: Promise<number> | undefined;
  private unhookExit: (() => void) | undefined;

  constructor(base: string, options: DevTreeOptions = {}) {
    this.base = resolve(base);
    this.options = options;
  }

  /**
   * The current user's tree: `$XDG_STATE_HOME/node-runit`, else `~/.local/state/node-runit`
   * (state, not config: it holds logs, supervise/ and a pidfile).
   */
  static forUser(options: DevTreeOptions = {}, env: NodeJS.ProcessEnv = process.env): DevTree {
    const state = env['XDG_STATE_HOME'];
    const base = state !== undefined && state.startsWith('/') ? state : join(homedir(), '.local', 'state');
    return new DevTree(join(base, 'node-runit'), options);
  }

  get servicesDir(): string {
    return join(this.base, 'services');
  }

  get enabledDir(): string {
    return join(this.base, 'enabled');
  }

  get logDir(): string {
    return join(this.base, 'log');
  }

  get pidFile(): string {
    return join(this.base, 'runsvdir.pid');
  }

  /** Creates the tree's directories (idempotent). */
  async ensure(): Promise<void> {
    for (const dir of [this.servicesDir, this.enabledDir, this.logDir]) await mkdir(dir, { recursive: true });
  }

  /** A runit-flavour ServiceBuilder that writes into this tree's services dir, using our tools. */
  service(name: string): ServiceBuilder {
    const builder = ServiceBuilder.runit(name, this.servicesDir);
    const tools = this.options.tools ?? { chpst: join(BIN, 'chpst'), svlogd: join(BIN, 'svlogd') };
    for (const [tool, path] of Object.entries(tools)) builder.tool(tool, path);
    return builder;
  }

  /**
   * Restarts service `name` when files under `options.paths` change (pm2's --watch): debounced,
   * node_modules and .git ignored, capped while the code keeps failing (restart-on-change.ts).
   * Close the returned watcher to stop.
   */
  watchService(name: string, options: RestartOnChangeOptions): RestartOnChange {
    checkName(name);
    return new RestartOnChange(join(this.enabledDir, name), options);
  }

  /** Links services/<name> into enabled/ (idempotent); a running runsvdir picks it up. */
  async enable(name: string): Promise<void> {
    checkServiceName(name);
    if (!(await isPresent(join(this.servicesDir, name, 'run')))) {
      throw new RunitError('ERR_INVALID', `no service ${name} in ${this.servicesDir}`);
    }
    const link = join(this.enabledDir, name);
    const target = join('..', 'services', name);
    try {
      if ((await readlink(link)) === target) return;
    } catch {
      // not there yet
    }
    try {
      // A service built before ensure() was called: the builder made services/, not enabled/.
      await this.ensure();
      // Link beside, then rename over: the scanner never sees a half-made entry.
      const temp = join(this.enabledDir, `.${name}.link`);
      await rm(temp, { force: true });
      await symlink(target, temp);
      await rename(temp, link);
    } catch (error) {
      throw asTreeError(error);
    }
  }

  /**
   * Enables `names` in dependency order (their `dependencies.d/`) and waits until each layer is
   * supervised, running and ready (docs/extensions.md) before enabling the next; starts
   * runsvdir first if it is not running. Resolves with each service's ready status; rejects
   * with ManagerError (ready ones in `results`) or ERR_INVALID for a cycle.
   */
  async startInOrder(names: readonly string[], options: { timeout?: number } = {}): Promise<Map<string, Status>> {
    for (const name of names) checkName(name);
    await this.startRunsvdir();
    const manager = new Manager({ timeout: options.timeout ?? 30_000 });
    const ready = new Map<string, Status>();
    for (const layer of dependencyLayers(names.map((name) => join(this.servicesDir, name)))) {
      for (const path of layer) await this.enable(basename(path));
      // A just-enabled service has no supervisor for a moment; `up` also starts one with ./down.
      const enabled = await manager.settle('up', layer, async (client, signal) => {
        await waitSupervised(client, signal);
        await client.control('up', signal);
      });
      if (enabled.errors.length > 0) throw new ManagerError({ results: ready, errors: enabled.errors }, 'start');
      const waited = await manager.settle('wait', layer, (client, signal) => client.waitReady(manager.timeout + 1000, { signal }));
      for (const [path, status] of waited.results) ready.set(basename(path), status);
      if (waited.errors.length > 0) throw new ManagerError({ results: ready, errors: waited.errors }, 'start');
    }
    return ready;
  }

  /** Removes enabled/<name> (idempotent); a running runsvdir stops its supervisor. */
  async disable(name: string): Promise<void> {
    checkServiceName(name);
    try {
      await unlink(join(this.enabledDir, name));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw asTreeError(error);
    }
  }

  private async isEnabled(name: string): Promise<boolean> {
    return isPresent(join(this.enabledDir, name));
  }

  /**
   * Builds `builder` (from service()) in place of the service of that name, safe while the tree
   * runs: the new directory is written complete beside the old one; an enabled service is taken
   * out of enabled/ and its supervisor told to exit (`sv x`), the directories are swapped (the
   * old logs in log/main move over), and it is enabled again, so runsvdir starts the new
   * definition. A service that does not exist yet is simply built. Resolves with its path.
   */
  async replace(builder: ServiceBuilder, options: StopOptions = {}): Promise<string> {
    const target = builder.path;
    const name = basename(target);
    checkServiceName(name);
    if (target !== join(this.servicesDir, name)) throw new RunitError('ERR_INVALID', `${target} is not a service of ${this.servicesDir}`);
    const staged = await builder.stage();
    const wasEnabled = await this.isEnabled(name);
    try {
      await this.disable(name);
      await swapServiceDir(staged, target, options.timeout ?? DEFAULT_TIMEOUT);
    } catch (error) {
      throw asTreeError(error);
    } finally {
      // Enabled again even when the swap failed: the tree is left running what it has.
      if (wasEnabled) await this.enable(name);
    }
    return target;
  }

  /**
   * Removes a service, safe while the tree runs: disabled, its supervisor told to exit (`sv x`)
   * and waited for, then its directory deleted. Resolves false when there was no such service.
   */
  async remove(name: string, options: StopOptions = {}): Promise<boolean> {
    checkServiceName(name);
    const dir = join(this.servicesDir, name);
    await this.disable(name);
    if (!(await isPresent(dir))) return false;
    try {
      await stopSupervisor(dir, options.timeout ?? DEFAULT_TIMEOUT);
      await rm(await moveAside(dir, 'removed'), { recursive: true, force: true });
    } catch (error) {
      throw asTreeError(error);
    }
    return true;
  }

  private get place(): RunsvdirPlace {
    return { base: this.base, enabledDir: this.enabledDir, pidFile: this.pidFile, logFile: join(this.logDir, 'runsvdir.log') };
  }

  /** The pid in the pidfile when that process is alive and scans this tree, else undefined. */
  runsvdirPid(): Promise<number | undefined> {
    return readRunsvdirPid(this.place);
  }

  /**
   * Starts runsvdir on enabled/, detached from this process, its output appended to
   * log/runsvdir.log; its first scan starts at once. Unless `outlive` was given, it is stopped
   * when this process exits. Idempotent: resolves with the running one's pid.
   */
  startRunsvdir(): Promise<number> {
    // Two calls at once from this process start one runsvdir.
    this.starting ??= this.spawnRunsvdir().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawnRunsvdir(): Promise<number> {
    const running = await this.runsvdirPid();
    if (running !== undefined) return running;
    // One killed a moment ago still holds the supervise/ locks its successor's supervisors need.
    await this.waitKilledRunsvdir();
    await this.ensure();
    const scanner = this.options.runsvdir ?? { command: process.execPath, args: [join(BIN, 'runsvdir'), '--in-process'] };
    const pid = await spawnRunsvdir(this.place, scanner);
    if (this.options.outlive !== true) {
      this.unhookExit?.();
      this.unhookExit = await stopOnExit(pid);
    }
    return pid;
  }

  /**
   * Stops runsvdir in order: HUP (ours stops every service, then its log, then exits; runit's
   * TERMs each runsv), then waits until runsvdir and every supervisor of the tree are gone. Then
   * any service of the tree still running with no supervisor (left by a runsvdir that was
   * killed, and not taken over by a new one) is stopped too. Resolves false when there was
   * nothing to stop; rejects ERR_TIMEOUT when runsvdir or its supervisors outlive `timeout`.
   */
  async stopRunsvdir(options: StopOptions = {}): Promise<boolean> {
    this.unhookExit?.();
    this.unhookExit = undefined;
    const pid = await this.runsvdirPid();
    if (pid !== undefined) {
      process.kill(pid, 'SIGHUP');
      const timeout = options.timeout ?? DEFAULT_TIMEOUT;
      await pollUntil(`runsvdir ${pid} or its supervisors did not stop`, timeout, async () => !isProcessAlive(pid) && !(await isAnySupervised(this.servicesDir)));
    }
    // A runsvdir killed a moment ago may still be dying, holding its services' supervise/ files.
    await this.waitKilledRunsvdir();
    const orphans = findOrphans((await serviceNames(this.servicesDir)).map((name) => join(this.servicesDir, name)));
    for (const orphan of orphans) options.onOrphan?.(orphan);
    await stopOrphans(orphans, ORPHAN_GRACE_MILLIS);
    await rm(this.pidFile, { force: true });
    return pid !== undefined || orphans.length > 0;
  }

  /** Waits (up to 2 s) for the pidfile's runsvdir to finish dying if it was just killed. */
  private async waitKilledRunsvdir(): Promise<void> {
    let pid: number;
    try {
      pid = Number.parseInt(await readFile(this.pidFile, 'latin1'), 10);
    } catch {
      return;
    }
    if (Number.isSafeInteger(pid) && pid > 0) await waitExited(pid, 2000);
  }

  /** Every service of the tree, enabled or not, with its supervisor's status when it has one. */
  async status(): Promise<DevServiceStatus[]> {
    const enabled = new Set(await serviceNames(this.enabledDir));
    const names = await serviceNames(this.servicesDir);
    return Promise.all(names.map((name) => readServiceStatus(name, join(this.servicesDir, name), enabled.has(name))));
  }
}

/** Resolves once `client`'s service has a supervisor answering (polled: there is nothing to watch yet). */
async function waitSupervised(client: Client, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    if (isServiceSupervised(client.serviceDir)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
}
