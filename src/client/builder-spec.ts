/**
 * What a ServiceBuilder collects, and the checks it passes before a single byte is written.
 * Every rejection is a RunitError with code ERR_INVALID (tests match the code, never the text).
 */
import { isAbsolute } from 'node:path';
import { RunitError } from '../errors.js';
import type { Flavour } from './flavours.js';

/** Which supervision suite's tools the generated scripts call (the Client's flavours). */
export type { Flavour };

/** Resource limits (soft limits), as chpst / softlimit / s6-softlimit set them. */
export interface ServiceLimits {
  /** Bytes: data, stack, locked memory and address space together (`-m`). */
  memory?: number;
  /** Bytes of the data segment (`-d`). */
  data?: number;
  /** Open file descriptors (`-o`). */
  openFiles?: number;
  /** Processes of this user (`-p`). */
  processes?: number;
  /** Bytes a written file may grow to (`-f`). */
  fileSize?: number;
  /** Bytes of a core dump (`-c`). */
  core?: number;
  /** Bytes of resident memory (`-r`). */
  rss?: number;
  /** Seconds of CPU time (`-t`). */
  cpuSeconds?: number;
}

/** How the service's process is started: account, priority, chroot, limits. */
export interface ProcessOptions {
  /** Run as this account (its uid, gid and supplementary groups). */
  user?: string;
  /** Run with this group instead of the account's own (runit only: `chpst -u user:group`). */
  group?: string;
  /** Add this to the nice value (negative needs root). */
  nice?: number;
  /** chroot to this directory before exec (runit only: `chpst -/`). */
  root?: string;
  limits?: ServiceLimits;
}

/** How log lines are stamped: svlogd `-t` / `-tt` / `-ttt`, multilog `t`, s6-log `t` / `T`. */
export type Timestamps = 'none' | 'tai64n' | 'human' | 'iso';

/** The log service (`log/run`) and its log directory. */
export interface LogOptions {
  /** Absolute log directory; default `./main` inside the service's `log/` directory. */
  dir?: string;
  timestamps?: Timestamps;
  /** svlogd `p`: written before every line (runit only). */
  prefix?: string;
  /** Rotate `current` at this many bytes. */
  size?: number;
  /** Old log files to keep. */
  count?: number;
  /** svlogd `N`: old files to keep when the disk is full (runit only). */
  minCount?: number;
  /** svlogd `t`: rotate a non-empty `current` after this many seconds (runit only). */
  maxAge?: number;
  /** A shell command that processes each rotated file (`!processor`). */
  processor?: string;
  /** More svlogd config lines, e.g. `-*` / `+error*` patterns or `u10.0.0.1:514` (runit only). */
  config?: readonly string[];
  /** Run the logger as this account. */
  user?: string;
}

/** How `./finish` is called (ServiceBuilder#finish). */
export interface FinishOptions {
  /** Append runsv's two arguments, ./run's exit code and signal (RSV-19), to the command. */
  withStatus?: boolean;
}

/** Where the service's standard error goes: its stdout (the log), where runsv's goes, or a file. */
export type StderrTarget = 'stdout' | 'inherit' | { file: string };

export interface ServiceSpec {
  name: string;
  /** The directory the service directory is created in. */
  parent: string;
  flavour: Flavour;
  command: readonly string[];
  cwd: string | undefined;
  umask: number | undefined;
  env: ReadonlyMap<string, string>;
  process: ProcessOptions;
  stderr: StderrTarget;
  finish: { argv: readonly string[]; withStatus: boolean } | undefined;
  isDown: boolean;
  log: LogOptions | undefined;
  /** Program name → path, for tools not found through PATH (e.g. our bin/chpst). */
  tools: ReadonlyMap<string, string>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(message: string): never {
  throw new RunitError('ERR_INVALID', message);
}

function checkText(what: string, value: string, options: { isNonEmpty?: boolean; isOneLine?: boolean } = {}): void {
  if (options.isNonEmpty && value.length === 0) invalid(`${what} is empty`);
  if (value.includes('\0')) invalid(`${what} contains a NUL byte`);
  if (options.isOneLine && /[\r\n]/.test(value)) invalid(`${what} contains a line break`);
}

function checkCount(what: string, value: number | undefined, min = 0): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < min) invalid(`${what} must be an integer >= ${min}, got ${value}`);
}

function checkCommand(what: string, command: readonly string[]): void {
  if (command.length === 0) invalid(`${what} is empty`);
  checkText(`${what}'s program`, command[0]!, { isNonEmpty: true });
  for (const word of command) checkText(`${what} argument`, word);
}

/** A service directory's name: not empty, one line, no `/`, not starting with `.`. */
export function checkServiceName(name: string): void {
  checkText('service name', name, { isNonEmpty: true, isOneLine: true });
  // runsvdir and svscan skip dot names; a slash would put the service somewhere else.
  if (name.startsWith('.') || name.includes('/')) invalid(`service name ${JSON.stringify(name)} must not start with '.' or contain '/'`);
}

function checkEnv(env: ReadonlyMap<string, string>): void {
  for (const [name, value] of env) {
    if (!ENV_NAME.test(name)) invalid(`bad environment variable name ${JSON.stringify(name)}`);
    checkText(`value of ${name}`, value);
    // envdir keeps a file's first line and strips trailing blanks; newlines travel as NUL bytes.
    if (/[ \t]$/.test(value)) invalid(`value of ${name} ends in a space or tab, which envdir strips`);
  }
}

function checkProcess(process: ProcessOptions): void {
  if (process.user !== undefined) checkText('user', process.user, { isNonEmpty: true, isOneLine: true });
  if (process.user?.includes(':')) invalid('user must not contain ":" (give the group separately)');
  if (process.group !== undefined) {
    checkText('group', process.group, { isNonEmpty: true, isOneLine: true });
    if (process.group.includes(':')) invalid('group must not contain ":"');
    if (process.user === undefined) invalid('a group needs a user');
  }
  if (process.nice !== undefined && !Number.isSafeInteger(process.nice)) invalid(`nice must be an integer, got ${process.nice}`);
  if (process.root !== undefined && !isAbsolute(process.root)) invalid('root must be an absolute path');
  for (const [name, value] of Object.entries(process.limits ?? {})) checkCount(`limit ${name}`, value as number);
}

function checkLog(log: LogOptions): void {
  if (log.dir !== undefined) {
    checkText('log dir', log.dir, { isNonEmpty: true, isOneLine: true });
    // A relative path would be resolved against log/ when svlogd starts, not where build() ran.
    if (!isAbsolute(log.dir)) invalid(`log dir must be absolute, got ${JSON.stringify(log.dir)} (omit it for ./main inside log/)`);
  }
  checkCount('log size', log.size);
  checkCount('log count', log.count);
  checkCount('log minCount', log.minCount);
  checkCount('log maxAge', log.maxAge);
  if (log.prefix !== undefined) checkText('log prefix', log.prefix, { isOneLine: true });
  if (log.processor !== undefined) checkText('log processor', log.processor, { isNonEmpty: true, isOneLine: true });
  for (const line of log.config ?? []) checkText('log config line', line, { isNonEmpty: true, isOneLine: true });
  if (log.user !== undefined) checkText('log user', log.user, { isNonEmpty: true, isOneLine: true });
}

/** Throws RunitError ERR_INVALID for the first problem in `spec` (flavour rules come later). */
export function validateSpec(spec: ServiceSpec): void {
  checkServiceName(spec.name);
  checkText('parent directory', spec.parent, { isNonEmpty: true });
  checkCommand('command', spec.command);
  if (spec.finish !== undefined) checkCommand('finish command', spec.finish.argv);
  if (spec.cwd !== undefined) checkText('cwd', spec.cwd, { isNonEmpty: true });
  if (spec.umask !== undefined && (!Number.isInteger(spec.umask) || spec.umask < 0 || spec.umask > 0o777)) {
    invalid(`umask must be between 0 and 0o777, got ${spec.umask}`);
  }
  if (typeof spec.stderr === 'object') {
    checkText('stderr file', spec.stderr.file, { isNonEmpty: true });
    if (!isAbsolute(spec.stderr.file)) invalid('stderr file must be an absolute path');
  }
  checkEnv(spec.env);
  checkProcess(spec.process);
  if (spec.log !== undefined) checkLog(spec.log);
  for (const [tool, path] of spec.tools) checkText(`path of ${tool}`, path, { isNonEmpty: true });
}

export { invalid };
