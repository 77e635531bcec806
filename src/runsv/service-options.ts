/**
 * Our extension files in a service directory (docs/extensions.md), read once when the supervisor
 * starts, as s6-supervise reads its own. A file that is absent leaves runit's behaviour; a file
 * whose content is bad is reported with a runit-style warning line and ignored.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { errorCode, errorText } from '../errors.js';
import { EXTENSION_FILE } from '../protocol/layout.js';
import { parseNotificationFd } from '../protocol/readiness.js';

export interface RestartBackoff {
  /** ms before the first restart after a crash. */
  first: number;
  /** ms the delay doubles up to; an instance that stayed up this long resets it. */
  max: number;
}

export interface ServiceOptions {
  /** s6's notification-fd: the fd ./run writes a newline to when ready. */
  notificationFd: number | undefined;
  /** systemd's protocol: ./run gets NOTIFY_SOCKET. */
  notifySocket: boolean;
  /** With notifySocket: ms without `WATCHDOG=1` before SIGABRT; 0: no watchdog. */
  watchdog: number;
  /** ms after the stop signal of `d` / `x` before SIGKILL; 0: never. */
  timeoutKill: number;
  /** ms after which a running ./finish is SIGKILLed; 0: never (runit; s6's default is 5000). */
  timeoutFinish: number;
  /** What `d` and `x` send instead of SIGTERM. */
  downSignal: NodeJS.Signals;
  restartBackoff: RestartBackoff | undefined;
  /** Sibling services (same parent directory) that must be ready before ./run starts. */
  dependencies: readonly string[];
  /** A `listen` file exists: sockets bound and held by the supervisor (listen-sockets.ts). */
  listen: boolean;
  /** With notifySocket: descriptors the service may store (`FDSTORE=1`); 0: no store. */
  fdstoreMax: number;
}

/** A service directory without any of the files: exactly runit. */
export const PLAIN_RUNIT: ServiceOptions = Object.freeze({
  notificationFd: undefined,
  notifySocket: false,
  watchdog: 0,
  timeoutKill: 0,
  timeoutFinish: 0,
  downSignal: 'SIGTERM',
  restartBackoff: undefined,
  dependencies: Object.freeze([]),
  listen: false,
  fdstoreMax: 0,
});

/** Whether this options set needs anything beyond runit. */
export function isPlainRunit(options: ServiceOptions): boolean {
  return options === PLAIN_RUNIT;
}

/** Whether the service says when it is ready (so `sv -w`, Client and dependants wait for it). */
export function declaresReadiness(options: ServiceOptions): boolean {
  return options.notificationFd !== undefined || options.notifySocket;
}

/** The first line of `name`, or undefined when the file does not exist. */
function readFirstLine(root: string, name: string, warn: (text: string) => void): string | undefined {
  try {
    return readFileSync(join(root, name), 'latin1').split('\n', 1)[0]!.trim();
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') warn(`unable to read ${name}: ${errorText(error)}`);
    return undefined;
  }
}

const DECIMAL = /^[0-9]{1,9}$/;

function parseCount(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** A signal as s6 takes it: `SIGQUIT`, `QUIT` or a number. */
export function parseSignal(text: string): NodeJS.Signals | undefined {
  const signals = osConstants.signals as Record<string, number>;
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (signals[name] !== undefined) return name as NodeJS.Signals;
  const number = parseCount(text);
  if (number === undefined) return undefined;
  return Object.keys(signals).find((key) => signals[key] === number) as NodeJS.Signals | undefined;
}

/** A dependency name is a sibling directory's name: no slash, not a dot name. */
function isServiceName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !name.includes('/');
}

function readDependencies(root: string, warn: (text: string) => void): string[] {
  try {
    return readdirSync(join(root, EXTENSION_FILE.dependencies)).filter(isServiceName).sort();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT') warn(`unable to read ${EXTENSION_FILE.dependencies}: ${errorText(error)}`);
    return [];
  }
}

/**
 * Reads every extension file of the service directory `root`. Returns PLAIN_RUNIT itself when
 * none is usable, so the Supervisor's hooks can be skipped altogether.
 */
export function readServiceOptions(root: string, warn: (text: string) => void): ServiceOptions {
  const options = { ...PLAIN_RUNIT, dependencies: [] as string[] };
  let isExtended = false;
  const ignored = (name: string, why: string): void => warn(`${name}: ${why}, ignored`);

  const fd = readFirstLine(root, EXTENSION_FILE.notificationFd, warn);
  if (fd !== undefined) {
    const number = parseNotificationFd(fd);
    if (number === undefined) ignored(EXTENSION_FILE.notificationFd, 'not a number >= 3');
    else [options.notificationFd, isExtended] = [number, true];
  }
  if (existsSync(join(root, EXTENSION_FILE.notifySocket))) [options.notifySocket, isExtended] = [true, true];

  for (const [key, name] of [['timeoutKill', EXTENSION_FILE.timeoutKill], ['timeoutFinish', EXTENSION_FILE.timeoutFinish]] as const) {
    const text = readFirstLine(root, name, warn);
    if (text === undefined) continue;
    const millis = parseCount(text);
    if (millis === undefined) ignored(name, 'not a number of milliseconds');
    else [options[key], isExtended] = [millis, isExtended || millis > 0];
  }

  const watchdog = readFirstLine(root, EXTENSION_FILE.watchdog, warn);
  if (watchdog !== undefined) {
    const millis = parseCount(watchdog);
    if (millis === undefined) ignored(EXTENSION_FILE.watchdog, 'not a number of milliseconds');
    else if (!options.notifySocket) ignored(EXTENSION_FILE.watchdog, `needs ${EXTENSION_FILE.notifySocket}`);
    else options.watchdog = millis;
  }

  const signal = readFirstLine(root, EXTENSION_FILE.downSignal, warn);
  if (signal !== undefined) {
    const parsed = parseSignal(signal);
    if (parsed === undefined) ignored(EXTENSION_FILE.downSignal, 'not a signal');
    else [options.downSignal, isExtended] = [parsed, true];
  }

  const backoff = readFirstLine(root, EXTENSION_FILE.restartBackoff, warn);
  if (backoff !== undefined) {
    const [first, max, ...rest] = backoff.split(/\s+/).map(parseCount);
    if (first === undefined || first === 0 || rest.length > 0 || (max !== undefined && max < first)) {
      ignored(EXTENSION_FILE.restartBackoff, 'not FIRST [MAX] milliseconds with 0 < FIRST <= MAX');
    } else {
      options.restartBackoff = { first, max: max ?? first };
      isExtended = true;
    }
  }

  options.dependencies = readDependencies(root, warn);
  if (options.dependencies.length > 0) isExtended = true;
  if (readPassedFds(root, options, warn)) isExtended = true;
  return isExtended ? Object.freeze(options) : PLAIN_RUNIT;
}

/**
 * `listen` and `fdstore-max`: the descriptors passed as fd 3.. A `notification-fd` among them
 * would take one's place, so it is ignored then (the count is the file's lines and the maximum
 * stored). Returns whether either file is in use.
 */
function readPassedFds(root: string, options: { -readonly [K in keyof ServiceOptions]: ServiceOptions[K] }, warn: (text: string) => void): boolean {
  let listenLines = 0;
  try {
    listenLines = readFileSync(join(root, EXTENSION_FILE.listen), 'latin1').split('\n').filter((line) => line.trim() !== '').length;
    options.listen = true;
  } catch (error) {
    // A file that cannot be read yet is the listen module's to report and retry.
    if (errorCode(error) !== 'ENOENT') options.listen = true;
  }
  const max = readFirstLine(root, EXTENSION_FILE.fdstoreMax, warn);
  if (max !== undefined) {
    const count = parseCount(max);
    if (count === undefined) warn(`${EXTENSION_FILE.fdstoreMax}: not a number, ignored`);
    else if (!options.notifySocket) warn(`${EXTENSION_FILE.fdstoreMax}: needs ${EXTENSION_FILE.notifySocket}, ignored`);
    else options.fdstoreMax = count;
  }
  const passedEnd = 3 + listenLines + options.fdstoreMax;
  if (options.notificationFd !== undefined && passedEnd > 3 && options.notificationFd < passedEnd) {
    warn(`${EXTENSION_FILE.notificationFd}: ${options.notificationFd} is among the descriptors passed as 3..${passedEnd - 1}, ignored`);
    options.notificationFd = undefined;
  }
  return options.listen || options.fdstoreMax > 0;
}
