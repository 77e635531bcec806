/**
 * DevTree: a service tree for one user or project, supervised by our runsvdir --in-process (one
 * Node process for every service; no real runit needed). go-runit's DevTree is a stub; this one
 * works:
 *
 *   <base>/services/<name>   service directories (ServiceBuilder writes them here)
 *   <base>/enabled/<name>    symlinks to ../services/<name>: what runsvdir supervises
 *   <base>/log/runsvdir.log  runsvdir's own output
 *   <base>/runsvdir.pid      the detached runsvdir's pid
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunitError } from '../errors.js';
import { ServiceBuilder } from './builder.js';
import { RestartOnChange, type RestartOnChangeOptions } from './restart-on-change.js';
import { isProcessAlive, isServiceSupervised, readServiceStatus, type DevServiceStatus } from './dev-tree-status.js';

export type { DevServiceStatus } from './dev-tree-status.js';

const BIN = fileURLToPath(new URL('../../../bin/', import.meta.url));

export interface DevTreeOptions {
  /** The scanner to start: default our `bin/runsvdir --in-process` under this Node. */
  runsvdir?: { command: string; args: readonly string[] };
  /** Tools the trees' services call (see ServiceBuilder.tool); default our bin/chpst and bin/svlogd. */
  tools?: Readonly<Record<string, string>>;
}

export interface StopOptions {
  /** How long to wait for runsvdir and every supervisor to exit (ms, default 30000). */
  timeout?: number;
}

function checkName(name: string): void {
  if (name.length === 0 || name.startsWith('.') || name.includes('/') || name.includes('\0')) {
    throw new RunitError('ERR_INVALID', `bad service name ${JSON.stringify(name)}`);
  }
}

async function isPresent(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export class DevTree {
  readonly base: string;
  private readonly options: DevTreeOptions;
  private starting: Promise<number> | undefined;

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
    checkName(name);
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
    // Link beside, then rename over: the scanner never sees a half-made entry.
    const temp = join(this.enabledDir, `.${name}.link`);
    await rm(temp, { force: true });
    await symlink(target, temp);
    await rename(temp, link);
  }

  /** Removes enabled/<name> (idempotent); a running runsvdir stops its supervisor. */
  async disable(name: string): Promise<void> {
    checkName(name);
    try {
      await unlink(join(this.enabledDir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** The pid in the pidfile when that process is alive, else undefined. */
  async runsvdirPid(): Promise<number | undefined> {
    let text: string;
    try {
      text = await readFile(this.pidFile, 'utf8');
    } catch {
      return undefined;
    }
    const pid = Number.parseInt(text, 10);
    return Number.isSafeInteger(pid) && pid > 0 && isProcessAlive(pid) && this.isOurScanner(pid) ? pid : undefined;
  }

  /**
   * A stale pidfile's pid may have been reused: the process must be scanning our enabled/. (A
   * scanner may rewrite its argv as a process title, so the path is looked for in the whole text.)
   */
  private isOurScanner(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(this.enabledDir);
    } catch {
      return false;
    }
  }

  /**
   * Starts runsvdir on enabled/, detached from this process (it keeps running when we exit),
   * its output appended to log/runsvdir.log. Idempotent: resolves with the running one's pid.
   */
  startRunsvdir(): Promise<number> {
    // Two calls at once from this process start one runsvdir.
    this.starting ??= this.spawnRunsvdir().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawnRunsvdir(): Promise<number> {
    const running = await this.runsvdirPid();
    if (running !== undefined) return running;
    await this.ensure();
    const { command, args } = this.options.runsvdir ?? { command: process.execPath, args: [join(BIN, 'runsvdir'), '--in-process'] };
    const out = openSync(join(this.logDir, 'runsvdir.log'), 'a');
    let pid: number | undefined;
    try {
      const child = spawn(command, [...args, this.enabledDir], { detached: true, stdio: ['ignore', out, out], cwd: this.base });
      child.on('error', () => undefined); // reported below through the missing pid
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(out);
    }
    if (pid === undefined) throw new RunitError('ERR_SYS', `cannot start ${command}`);
    await writeFile(`${this.pidFile}.new`, `${pid}\n`);
    await rename(`${this.pidFile}.new`, this.pidFile);
    return pid;
  }

  /**
   * Stops runsvdir in order: HUP (ours stops every service, then its log, then exits; runit's
   * TERMs each runsv), then waits until runsvdir and every supervisor of the tree are gone.
   * Resolves false when none was running; rejects ERR_TIMEOUT when they outlive `timeout`.
   */
  async stopRunsvdir(options: StopOptions = {}): Promise<boolean> {
    const pid = await this.runsvdirPid();
    if (pid === undefined) {
      await rm(this.pidFile, { force: true });
      return false;
    }
    process.kill(pid, 'SIGHUP');
    const deadline = Date.now() + (options.timeout ?? 30_000);
    for (;;) {
      const isDone = !isProcessAlive(pid) && !(await this.anySupervised());
      if (isDone) break;
      if (Date.now() > deadline) throw new RunitError('ERR_TIMEOUT', `runsvdir ${pid} or its supervisors did not stop`);
      await new Promise((done) => setTimeout(done, 50));
    }
    await rm(this.pidFile, { force: true });
    return true;
  }

  private async anySupervised(): Promise<boolean> {
    for (const name of await this.names(this.servicesDir)) {
      const dir = join(this.servicesDir, name);
      if (isServiceSupervised(dir) || isServiceSupervised(join(dir, 'log'))) return true;
    }
    return false;
  }

  private async names(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
    } catch {
      return [];
    }
  }

  /** Every service of the tree, enabled or not, with its supervisor's status when it has one. */
  async status(): Promise<DevServiceStatus[]> {
    const enabled = new Set(await this.names(this.enabledDir));
    const names = await this.names(this.servicesDir);
    return Promise.all(names.map((name) => readServiceStatus(name, join(this.servicesDir, name), enabled.has(name))));
  }
}
