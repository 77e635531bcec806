/**
 * A tree of service directories as the views show it: each service's status, run statistics
 * (when our supervisor keeps them) and process-tree usage, read from the files alone, so a tree
 * run by real runit is read the same way (its missing figures are left undefined).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StatusReader, type RunStatistics, type Status } from '../client/status.js';
import { RunitError } from '../errors.js';
import { SERVICE_FILE } from '../protocol/layout.js';
import { ProcSnapshot } from './proc-usage.js';

/** What a view knows of one service. */
export interface ServiceView {
  /** The service's name; with several trees, `TREE/NAME`. */
  name: string;
  /** The service directory. */
  dir: string;
  /** `unsupervised`: no supervisor answers for it; `error`: its status could not be read. */
  state: 'run' | 'down' | 'finish' | 'unsupervised' | 'error';
  pid: number;
  /** Seconds in the current state; 0 when unknown. */
  uptime: number;
  want: 'up' | 'down';
  normallyUp: boolean;
  isPaused: boolean;
  /** undefined under real runit, which keeps no statistics. */
  stats?: RunStatistics;
  /**
   * Whether the current instance is ready, for a service that declares readiness
   * (docs/extensions.md; s6's flag); undefined for one that does not.
   */
  ready?: boolean;
  /** `listen` / `fdstore-max`: descriptors the supervisor holds for the service (supervise/fds). */
  heldFds?: number;
  /** The process tree's CPU seconds and resident bytes; undefined when no process runs. */
  cpuSeconds?: number;
  memoryBytes?: number;
  /** The log service's state and pid, when it has one. */
  log?: { state: string; pid: number };
  /** The error code that made the state `error` or `unsupervised`. */
  error?: string;
}

/** The service directories of a tree: entries that are directories, not hidden, sorted (runsvdir's rule). */
export function listServiceDirs(root: string): string[] {
  return readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .filter((name) => {
      try {
        return statSync(join(root, name)).isDirectory();
      } catch {
        return false; // a dangling link: no service
      }
    })
    .sort()
    .map((name) => join(root, name));
}

/** The service directories of several trees with their view names. */
export function listTrees(roots: readonly string[]): Array<{ name: string; dir: string }> {
  return roots.flatMap((root) =>
    listServiceDirs(root).map((dir) => ({ name: roots.length > 1 ? `${basename(root)}/${basename(dir)}` : basename(dir), dir })),
  );
}

function isServiceDir(path: string): boolean {
  try {
    return statSync(join(path, SERVICE_FILE.run)).isFile();
  } catch {
    return false;
  }
}

/**
 * The services `logs` and `watch` name: a path to a service directory (it has `run`) is that
 * service; another directory is a tree and stands for all its services; a bare word that is
 * neither is a service of `defaultTree` ($SVDIR), as `sv` resolves names.
 */
export function resolveServices(operands: readonly string[], defaultTree: string): Array<{ name: string; dir: string }> {
  if (operands.length === 0) return listTrees([defaultTree]);
  return operands.flatMap((operand) => {
    if (isServiceDir(operand)) return [{ name: basename(operand), dir: operand }];
    let isDir = false;
    try {
      isDir = statSync(operand).isDirectory();
    } catch {
      // not a path: a service name below
    }
    if (isDir && !operand.includes('/') && isServiceDir(join(defaultTree, operand))) isDir = false;
    return isDir ? listTrees([operand]) : [{ name: operand, dir: join(defaultTree, operand) }];
  });
}

const UNSUPERVISED = new Set(['ERR_RUNSV_NOT_RUNNING', 'ERR_NOT_SUPERVISED']);

/** One service's view from a status read (or its failure). */
export function viewOf(name: string, dir: string, read: () => Status, snapshot: ProcSnapshot | undefined): ServiceView {
  const view: ServiceView = { name, dir, state: 'error', pid: 0, uptime: 0, want: 'up', normallyUp: true, isPaused: false };
  let status: Status;
  try {
    status = read();
  } catch (error) {
    const code = error instanceof RunitError ? error.code : 'ERR_SYS';
    view.state = UNSUPERVISED.has(code) ? 'unsupervised' : 'error';
    view.error = code;
    return view;
  }
  Object.assign(view, {
    state: status.state,
    pid: status.pid,
    uptime: status.uptime,
    want: status.want,
    normallyUp: status.normallyUp,
    isPaused: status.isPaused,
  });
  if (status.stats !== undefined) view.stats = status.stats;
  if (status.ready !== undefined) view.ready = status.ready;
  if (status.fds !== undefined) view.heldFds = status.fds.listen.filter((socket) => socket.isBound).length + status.fds.stored.length;
  if (status.log !== undefined) view.log = { state: status.log.state, pid: status.log.pid };
  const usage = snapshot?.usageOf(status.pid);
  if (usage !== undefined) {
    view.cpuSeconds = usage.cpuSeconds;
    view.memoryBytes = usage.memoryBytes;
  }
  return view;
}

export interface ReadTreeOptions {
  /** Read /proc for CPU and memory (default true). */
  withUsage?: boolean;
}

/** Every service of the trees, in listing order. */
export function readTrees(roots: readonly string[], options: ReadTreeOptions = {}): ServiceView[] {
  const snapshot = options.withUsage === false ? undefined : new ProcSnapshot();
  const reader = new StatusReader('runit');
  return listTrees(roots).map(({ name, dir }) => viewOf(name, dir, () => reader.read(dir), snapshot));
}
