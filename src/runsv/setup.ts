/**
 * runsv's start-up sequence (RSV-3), in runit's order, with its fatal messages (RSV-32). Every
 * descriptor taken is recorded so an in-process host can give it all back on failure or exit.
 */
import { closeSync, constants, mkdirSync, openSync, readlinkSync, statSync, accessSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Clock } from '../clock.js';
import { errorText } from '../errors.js';
import { flock, flockWait, LOCK_EX, LOCK_NB, mkfifo, O_CLOEXEC, pipe2, close as closeFd } from '../sys/index.js';
import { openControlFifo, type ControlFifo } from './control-fifo.js';
import { ProcessHost } from './host.js';
import { SupervisorStartError } from './errors.js';
import { Supervisor } from './supervisor.js';

const APPEND_OPEN = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND | constants.O_CREAT;
const MAX_LINK_TARGET = 255;

export interface Resources {
  fds: number[];
  fifos: ControlFifo[];
  logPipe: [number, number] | undefined;
}

export function releaseResources(resources: Resources, host?: ProcessHost): void {
  for (const fifo of resources.fifos.splice(0)) fifo.close();
  for (const fd of resources.fds.splice(0)) closeSync(fd);
  if (host) host.closeLogPipe();
  else if (resources.logPipe) for (const fd of resources.logPipe) closeFd(fd);
  resources.logPipe = undefined;
}

export interface SetUp {
  supervisor: Supervisor;
  host: ProcessHost;
  resources: Resources;
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

/** Step 5/7: mkdir supervise, or the target of a (dangling) supervise symlink. */
function makeSuperviseDir(base: string, label: string): void {
  const path = join(base, 'supervise');
  try {
    mkdirSync(path, 0o700);
    return;
  } catch {
    // exists already, or is a symlink whose target may need creating
  }
  let target: string;
  try {
    target = readlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'ENOENT') return;
    fatal(`unable to readlink ${label}`, error);
  }
  if (Buffer.byteLength(target) > MAX_LINK_TARGET) fatal(`unable to readlink ${label}: name too long`);
  try {
    mkdirSync(resolve(base, target), 0o700);
  } catch {
    // runsv ignores this result: the lock open below reports what matters
  }
}

function openLock(base: string, label: string, resources: Resources): number {
  let fd: number;
  try {
    fd = openSync(join(base, 'supervise/lock'), APPEND_OPEN, 0o600);
  } catch (error) {
    fatal(`unable to open ${label}supervise/lock`, error);
  }
  resources.fds.push(fd);
  return fd;
}

function openControl(base: string, label: string, onBytes: (bytes: string) => void, resources: Resources): void {
  const path = join(base, 'supervise/control');
  try {
    mkfifo(path, 0o600);
  } catch {
    // EEXIST: a FIFO from an earlier runsv is reused (RSV-4)
  }
  let isFifo: boolean;
  try {
    isFifo = statSync(path).isFIFO();
  } catch (error) {
    fatal(`unable to stat ${label}supervise/control`, error);
  }
  if (!isFifo) fatal(`${label}supervise/control exists but is not a fifo`);
  try {
    resources.fifos.push(openControlFifo(path, onBytes));
  } catch (error) {
    fatal(`unable to open ${label}supervise/control`, error);
  }
}

function holdOk(base: string, label: string, resources: Resources): void {
  const path = join(base, 'supervise/ok');
  try {
    mkfifo(path, 0o600);
  } catch {
    // reused
  }
  try {
    resources.fds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  } catch (error) {
    fatal(`unable to read ${label}supervise/ok`, error);
  }
}

/** Whether `log` is a usable log service directory (RSV-3 step 4). */
function probeLog(root: string, warn: (text: string) => void): boolean {
  try {
    if (statSync(join(root, 'log')).isDirectory()) return true;
    warn('./log: not a directory.');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`unable to stat() ./log: : ${errorText(error)}`);
  }
  return false;
}

export async function setUp(dir: string, name: string, clock: Clock, writeLine: (line: string) => void): Promise<SetUp> {
  const root = resolve(dir);
  const resources: Resources = { fds: [], fifos: [], logPipe: undefined };
  let host: ProcessHost | undefined;
  try {
    try {
      if (!statSync(root).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      accessSync(root, constants.X_OK);
    } catch (error) {
      fatal('unable to change to directory', error);
    }
    const warn = (text: string): void => writeLine(`runsv ${name}: warning: ${text}\n`);
    const isNormallyDown = exists(join(root, 'down'));
    const hasLog = probeLog(root, warn);
    if (hasLog) {
      try {
        resources.logPipe = pipe2(O_CLOEXEC);
      } catch (error) {
        fatal('unable to create log pipe', error);
      }
    }
    host = new ProcessHost({ root, logPipe: resources.logPipe, writeLine, name });
    const supervisor = new Supervisor(host, clock, {
      isNormallyDown,
      hasLog,
      isLogNormallyDown: hasLog && exists(join(root, 'log/down')),
    });
    makeSuperviseDir(root, './supervise');
    const lockFd = openLock(root, '', resources);
    try {
      flock(lockFd, LOCK_EX | LOCK_NB);
    } catch (error) {
      fatal('unable to lock supervise/lock', error);
    }
    const logRoot = join(root, 'log');
    if (hasLog) {
      makeSuperviseDir(logRoot, './log/supervise');
      const logLockFd = openLock(logRoot, 'log/', resources);
      try {
        // runsv waits for the log lock rather than failing (RSV-3 step 7).
        await flockWait(logLockFd, LOCK_EX);
      } catch (error) {
        fatal('unable to lock log/supervise/lock', error);
      }
    }
    openControl(root, '', (bytes) => supervisor.enqueueControl(false, bytes), resources);
    supervisor.publish(false);
    if (hasLog) {
      openControl(logRoot, 'log/', (bytes) => supervisor.enqueueControl(true, bytes), resources);
      supervisor.publish(true);
    }
    holdOk(root, '', resources);
    if (hasLog) holdOk(logRoot, 'log/', resources);
    return { supervisor, host, resources };
  } catch (error) {
    releaseResources(resources, host);
    throw error;
  }
}
