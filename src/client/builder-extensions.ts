/**
 * ServiceBuilder's part for the extension files (docs/extensions.md): what a service declares
 * about readiness, stopping, restarting and order, checked per flavour and rendered as files.
 * s6-supervise reads notification-fd, timeout-kill, timeout-finish and down-signal itself;
 * notify-socket, restart-backoff, dependencies.d, listen and fdstore-max are ours (runit flavour) only.
 */
import { constants as osConstants } from 'node:os';
import { EXTENSION_FILE, SERVICE_FILE, SUPERVISE_FILE } from '../protocol/layout.js';
import { RunitError } from '../errors.js';
import { formatListenLine, parseListenLine } from '../protocol/listen-spec.js';
import type { Flavour } from './flavours.js';

export type ReadinessProtocol = 'notification-fd' | 'notify-socket';

export interface ExtensionSpec {
  readiness?: { protocol: ReadinessProtocol; fd: number; writeCheck: boolean };
  /** ms; needs notify-socket readiness. */
  watchdog?: number;
  timeoutKill?: number;
  timeoutFinish?: number;
  downSignal?: string;
  restartBackoff?: { first: number; max: number };
  dependencies: string[];
  /** `listen` lines (protocol/listen-spec.ts). */
  listen: string[];
  /** Needs notify-socket readiness. */
  fdstoreMax?: number;
}

export function emptyExtensionSpec(): ExtensionSpec {
  return { dependencies: [], listen: [] };
}

function invalid(message: string): never {
  throw new RunitError('ERR_INVALID', message);
}

function checkMillis(what: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0 || value > 999_999_999)) {
    invalid(`${what} must be a whole number of milliseconds, got ${value}`);
  }
}

/** Throws ERR_INVALID for what `flavour`'s supervisor would not read (or would misread). */
export function validateExtensions(spec: ExtensionSpec, flavour: Flavour): void {
  const ours = (what: string): void => {
    if (flavour !== 'runit') invalid(`${what} is node-runit's own (runit flavour only)`);
  };
  const s6OrOurs = (what: string): void => {
    if (flavour === 'daemontools') invalid(`daemontools' supervise has no ${what}`);
  };
  if (spec.readiness !== undefined) {
    if (spec.readiness.protocol === 'notify-socket') ours('notify-socket');
    else s6OrOurs('notification-fd');
    if (!Number.isSafeInteger(spec.readiness.fd) || spec.readiness.fd < 3) invalid(`notification fd must be >= 3, got ${spec.readiness.fd}`);
    if (spec.readiness.writeCheck && flavour !== 'runit') invalid('the readiness ./check is for runit\'s sv');
  }
  checkMillis('watchdog', spec.watchdog);
  if (spec.watchdog !== undefined && spec.readiness?.protocol !== 'notify-socket') invalid('a watchdog needs notify-socket readiness');
  if (spec.timeoutKill !== undefined) s6OrOurs('timeout-kill');
  if (spec.timeoutFinish !== undefined) s6OrOurs('timeout-finish');
  checkMillis('timeout-kill', spec.timeoutKill);
  checkMillis('timeout-finish', spec.timeoutFinish);
  if (spec.downSignal !== undefined) {
    s6OrOurs('down-signal');
    const name = spec.downSignal.toUpperCase().startsWith('SIG') ? spec.downSignal.toUpperCase() : `SIG${spec.downSignal.toUpperCase()}`;
    if ((osConstants.signals as Record<string, number>)[name] === undefined) invalid(`unknown signal ${JSON.stringify(spec.downSignal)}`);
  }
  if (spec.restartBackoff !== undefined) {
    ours('restart-backoff');
    const { first, max } = spec.restartBackoff;
    checkMillis('backoff first', first);
    checkMillis('backoff max', max);
    if (first <= 0 || max < first) invalid(`restart backoff needs 0 < first <= max, got ${first} ${max}`);
  }
  if (spec.listen.length > 0) ours('listen');
  for (const line of spec.listen) if (parseListenLine(line) === undefined) invalid(`not a socket to listen on: ${JSON.stringify(line)}`);
  if (spec.fdstoreMax !== undefined) {
    ours('fdstore-max');
    if (!Number.isSafeInteger(spec.fdstoreMax) || spec.fdstoreMax < 0 || spec.fdstoreMax > 999_999_999) invalid(`fdstore-max must be a count, got ${spec.fdstoreMax}`);
    if (spec.readiness?.protocol !== 'notify-socket') invalid('an fd store needs notify-socket readiness');
  }
  if (spec.dependencies.length > 0) ours('dependencies.d');
  for (const name of spec.dependencies) {
    if (name.length === 0 || name.startsWith('.') || name.includes('/') || /[\0\n]/.test(name)) invalid(`bad dependency name ${JSON.stringify(name)}`);
  }
}

export interface ExtensionFiles {
  dirs: string[];
  files: { path: string; data: string; mode: number }[];
}

const CHECK_MODE = 0o755;
const FILE_MODE = 0o644;

/** The one-line ./check with which real runit's `sv -w` waits for readiness. */
export const READINESS_CHECK = `#!/bin/sh\nexec test -e ${SUPERVISE_FILE.ready}\n`;

export function renderExtensions(spec: ExtensionSpec): ExtensionFiles {
  const out: ExtensionFiles = { dirs: [], files: [] };
  const file = (path: string, data: string, mode = FILE_MODE): void => void out.files.push({ path, data, mode });
  if (spec.readiness !== undefined) {
    if (spec.readiness.protocol === 'notify-socket') file(EXTENSION_FILE.notifySocket, '');
    else file(EXTENSION_FILE.notificationFd, `${spec.readiness.fd}\n`);
    if (spec.readiness.writeCheck) file(SERVICE_FILE.check, READINESS_CHECK, CHECK_MODE);
  }
  if (spec.watchdog !== undefined) file(EXTENSION_FILE.watchdog, `${spec.watchdog}\n`);
  if (spec.timeoutKill !== undefined) file(EXTENSION_FILE.timeoutKill, `${spec.timeoutKill}\n`);
  if (spec.timeoutFinish !== undefined) file(EXTENSION_FILE.timeoutFinish, `${spec.timeoutFinish}\n`);
  if (spec.downSignal !== undefined) file(EXTENSION_FILE.downSignal, `${spec.downSignal}\n`);
  if (spec.restartBackoff !== undefined) file(EXTENSION_FILE.restartBackoff, `${spec.restartBackoff.first} ${spec.restartBackoff.max}\n`);
  if (spec.listen.length > 0) file(EXTENSION_FILE.listen, spec.listen.map((line) => `${formatListenLine(parseListenLine(line)!)}\n`).join(''));
  if (spec.fdstoreMax !== undefined) file(EXTENSION_FILE.fdstoreMax, `${spec.fdstoreMax}\n`);
  if (spec.dependencies.length > 0) {
    out.dirs.push(EXTENSION_FILE.dependencies);
    for (const name of [...new Set(spec.dependencies)].sort()) file(`${EXTENSION_FILE.dependencies}/${name}`, '');
  }
  return out;
}
