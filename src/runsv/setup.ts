/**
 * runsv's start-up sequence (RSV-3), in runit's order, with its fatal messages (RSV-32), and one
 * step of ours: once the locks are held, a service (or log service) left running by a supervisor
 * that died is taken over instead of started a second time (adopt.ts), so the log pipe is made
 * after the locks (it may be that service's pipe, opened again). What it takes (the supervise/
 * files' descriptors, the log pipe, the watched processes) is handed back by `release`, on
 * failure here or when the supervisor ends.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Clock } from '../clock.js';
import { errorCode, errorText } from '../errors.js';
import { LOG, SERVICE_FILE, SUPERVISE_FILE } from '../protocol/layout.js';
import { fsPath } from '../sys/byte-names.js';
import { close as closeFd, O_CLOEXEC, pipe2 } from '../sys/index.js';
import { findPreviousInstances, reopenLogPipe, takeOver } from './adopt.js';
import { SystemEffects } from './effects.js';
import { SupervisorStartError } from './errors.js';
import { holdDir, type HeldDir } from './held-dir.js';
import { RunStatsKeeper } from './run-stats.js';
import { SuperviseFiles } from './supervise-files.js';
import { hooksFor } from './extensions.js';
import { isPlainRunit, readServiceOptions } from './service-options.js';
import { Supervisor } from './supervisor.js';
import { PassedFds } from './passed-fds.js';
import { adoptOrphans } from './main-pid.js';
import type { Reaper } from '../sys/orphans.js';
import type { ServiceOptions } from './service-options.js';

export interface SetUp {
  supervisor: Supervisor;
  effects: SystemEffects;
  /** Gives back every descriptor taken; safe to call twice. */
  release(): void;
}

function fatal(text: string, cause?: unknown): never {
  throw new SupervisorStartError(cause === undefined ? text : `${text}: ${errorText(cause)}`, { cause });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * RSV-3 step 2: runsv chdirs into the directory; here it must be a searchable directory, which
 * is then held (held-dir.ts) so that this Supervisor keeps acting on it whatever its path becomes.
 */
function holdServiceDir(path: string): HeldDir {
  try {
    if (!statSync(fsPath(path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(fsPath(path), constants.X_OK);
    return holdDir(path);
  } catch (error) {
    fatal('unable to change to directory', error);
  }
}

/** The log service's directory, held as the service's is; a failure is runit's chdir failure. */
function holdLogDir(root: string): HeldDir {
  try {
    return holdDir(join(root, LOG));
  } catch (error) {
    fatal(`unable to change directory to ./${LOG}`, error);
  }
}

/** RSV-3 step 4: whether `log` is a usable log service directory. */
function hasLogService(root: string, warn: (text: string) => void): boolean {
  try {
    if (statSync(join(root, LOG)).isDirectory()) return true;
    warn(`./${LOG}: not a directory.`);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') warn(`unable to stat() ./${LOG}: : ${errorText(error)}`);
  }
  return false;
}

function makeLogPipe(): [number, number] {
  try {
    return pipe2(O_CLOEXEC);
  } catch (error) {
    fatal('unable to create log pipe', error);
  }
}

/**
 * `listen` and `fdstore-max`: bound and published now, before the first start (a port in use is
 * retried by the hooks, and ./run waits for it).
 */
function usePassedFds(
  effects: SystemEffects,
  main: SuperviseFiles,
  options: ServiceOptions,
  root: string,
  clock: Clock,
  warn: (text: string) => void,
): void {
  const passed = new PassedFds({
    root,
    name: basename(root),
    clock,
    warn,
    hasListen: options.listen,
    fdstoreMax: options.fdstoreMax,
    publish: (text) => main.writeExtension('fds', text),
  });
  effects.usePassedFds(passed);
  passed.mayStart(() => undefined);
  passed.publish();
}

export async function setUp(
  dir: string,
  name: string,
  clock: Clock,
  writeLine: (line: string) => void,
  isLogInline = false,
): Promise<SetUp> {
  const warn = (text: string): void => writeLine(`runsv ${name}: warning: ${text}\n`);
  let logPipe: [number, number] | undefined;
  let effects: SystemEffects | undefined;
  const taken: SuperviseFiles[] = [];
  const held: HeldDir[] = [];
  /** Reaps what is re-parented here once the service may name a new main pid (main-pid.ts). */
  let orphans: Reaper | undefined;
  const release = (): void => {
    for (const files of taken.splice(0)) files.close();
    effects?.closeNotifySocket();
    effects?.closePassedFds();
    if (effects) {
      effects.closeLogPipe();
      effects.forgetAdopted();
    } else if (logPipe) for (const fd of logPipe) closeFd(fd);
    logPipe = undefined;
    for (const dirHeld of held.splice(0)) dirHeld.release();
    orphans?.stop();
    orphans = undefined;
  };
  try {
    const serviceDir = holdServiceDir(dir);
    held.push(serviceDir);
    const root = serviceDir.root;
    const isNormallyDown = exists(join(root, SERVICE_FILE.down));
    const hasLog = hasLogService(root, warn);
    const serviceOptions = readServiceOptions(root, warn);

    const main = new SuperviseFiles(root, '', warn);
    taken.push(main);
    main.make();
    main.lock();
    let log: SuperviseFiles | undefined;
    if (hasLog) {
      const logDir = holdLogDir(root);
      held.push(logDir);
      log = new SuperviseFiles(logDir.root, `${LOG}/` as const, warn);
      taken.push(log);
      log.make();
      await log.lockWhenFree();
    }
    // Both locks held: what the records still name as running was left by a supervisor that died.
    const previous = findPreviousInstances(root, hasLog);
    let isPipeLost = false;
    if (hasLog) {
      try {
        logPipe = reopenLogPipe(previous);
      } catch (error) {
        warn(`unable to reopen the log pipe of the running instance, restarting it: ${errorText(error)}`);
        isPipeLost = true;
      }
      logPipe ??= makeLogPipe();
    }
    effects = new SystemEffects({ root, logPipe, writeLine, name, isLogInline, serviceOptions });
    const hooks = hooksFor(effects, clock, basename(resolve(dir)), serviceOptions);
    const supervisor = new Supervisor(effects, clock, {
      isNormallyDown,
      hasLog,
      isLogNormallyDown: hasLog && exists(join(root, LOG, SERVICE_FILE.down)),
      hooks,
    });
    takeOver(previous, supervisor, effects, warn, isPipeLost);
    effects.useSuperviseFiles(main, log);
    const stats = new RunStatsKeeper(clock, main.readStats(), (text) => main.writeStats(text));
    effects.useRunStats(stats);
    stats.publish();
    if (!isPlainRunit(serviceOptions)) {
      // Nothing a previous supervisor left may speak for this one's instances.
      for (const file of ['ready', 'backoff', 'notes', 'fds'] as const) main.writeExtension(file, undefined);
      if (serviceOptions.listen || serviceOptions.fdstoreMax > 0) usePassedFds(effects, main, serviceOptions, resolve(dir), clock, warn);
      if (serviceOptions.notifySocket) {
        effects.openNotifySocket(join(resolve(dir), SUPERVISE_FILE.notify));
        orphans = adoptOrphans(warn);
      }
    }

    main.openControl((bytes) => supervisor.enqueueControl(false, bytes));
    supervisor.publish(false);
    if (log) {
      log.openControl((bytes) => supervisor.enqueueControl(true, bytes));
      supervisor.publish(true);
    }
    main.holdOk();
    log?.holdOk();
    return { supervisor, effects, release };
  } catch (error) {
    release();
    throw error;
  }
}
