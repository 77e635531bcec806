/**
 * Turns a validated ServiceSpec into the files of a service directory, without touching the
 * disk, so the scripts can be checked as text and written in one atomic step.
 */
import { loggerCommand, processWrapper, svlogdConfig, type Word } from './builder-tools.js';
import type { ServiceSpec } from './builder-spec.js';
import { quoteShellWord } from './shell-quote.js';

/** One file of the service directory; `path` is relative to it. */
export interface ServiceFile {
  path: string;
  data: string | Uint8Array;
  mode: number;
}

export interface ServiceFiles {
  /** Directories to create (relative, parents first). */
  dirs: string[];
  files: ServiceFile[];
  /** A log directory outside the service (absolute) and its svlogd config text, if any. */
  externalLogDir?: { dir: string; config: string | undefined };
  /** The log directory: relative (inside the service) or absolute; undefined without a log. */
  logDir?: string;
  /** The account the logger runs as, which must own the log directory. */
  logOwner?: string;
}

const SCRIPT_MODE = 0o755;
const DEFAULT_LOG_DIR = './main';

function renderWords(words: readonly Word[]): string {
  return words.map((word) => (typeof word === 'string' ? quoteShellWord(word) : word.raw)).join(' ');
}

function script(flavour: string, what: string, lines: readonly string[]): string {
  return ['#!/bin/sh', `# ${what}: written by node-runit's ServiceBuilder (${flavour} flavour)`, ...lines, ''].join('\n');
}

/** A directory argument the shell never reads as an option. */
function safeDir(dir: string): string {
  return dir.startsWith('-') ? `./${dir}` : dir;
}

/**
 * run and finish share the set-up: stderr, umask, cwd and the process wrapper. finish passes on
 * the arguments the supervisor gives it (exit code and signal of ./run) only when asked to.
 */
function programScript(spec: ServiceSpec, what: string, command: readonly string[], passArgs = false): string {
  const lines: string[] = [];
  if (spec.stderr === 'stdout') lines.push('exec 2>&1');
  else if (typeof spec.stderr === 'object') lines.push(`exec 2>>${quoteShellWord(spec.stderr.file)}`);
  if (spec.umask !== undefined) lines.push(`umask ${spec.umask.toString(8).padStart(4, '0')}`);
  let envDir: Word | undefined;
  if (spec.env.size > 0) envDir = './env';
  if (spec.cwd !== undefined) {
    // The env dir is relative to the service directory (./run's cwd), which survives a rename.
    if (envDir !== undefined) {
      lines.push('service_dir=$PWD');
      envDir = { raw: '"$service_dir"/env' };
    }
    lines.push(`cd ${quoteShellWord(safeDir(spec.cwd))} || exit 111`);
  }
  const args: Word[] = passArgs ? [{ raw: '"$@"' }] : [];
  lines.push(`exec ${renderWords([...processWrapper(spec, envDir), ...command, ...args])}`);
  return script(spec.flavour, what, lines);
}

/**
 * envdir's format: the first line is the value, trailing blanks are cut, and NUL bytes come back
 * as newlines, so a value's newlines are written as NULs (validation refused trailing blanks).
 */
function envFile(value: string): Uint8Array {
  return Buffer.from(`${value.replaceAll('\n', '\0')}\n`);
}

export function renderService(spec: ServiceSpec): ServiceFiles {
  const result: ServiceFiles = { dirs: [], files: [] };
  result.files.push({ path: 'run', data: programScript(spec, 'run', spec.command), mode: SCRIPT_MODE });
  if (spec.finish !== undefined) {
    const { argv, withStatus } = spec.finish;
    result.files.push({ path: 'finish', data: programScript(spec, 'finish', argv, withStatus), mode: SCRIPT_MODE });
  }
  if (spec.isDown) result.files.push({ path: 'down', data: '', mode: 0o644 });
  if (spec.env.size > 0) {
    result.dirs.push('env');
    for (const [name, value] of [...spec.env].sort(([a], [b]) => (a < b ? -1 : 1))) {
      result.files.push({ path: `env/${name}`, data: envFile(value), mode: 0o644 });
    }
  }
  const log = spec.log;
  if (log === undefined) return result;
  const dir = log.dir ?? DEFAULT_LOG_DIR;
  const logRun = script(spec.flavour, 'log/run', ['exec ' + renderWords(loggerCommand(spec, log, safeDir(dir)))]);
  result.dirs.push('log');
  result.files.push({ path: 'log/run', data: logRun, mode: SCRIPT_MODE });
  const config = spec.flavour === 'runit' ? svlogdConfig(log) : undefined;
  result.logDir = log.dir ?? 'log/main';
  if (log.user !== undefined) result.logOwner = log.user;
  if (log.dir !== undefined) {
    result.externalLogDir = { dir: log.dir, config };
  } else {
    // svlogd does not create its directory; multilog and s6-log would, but an empty one is harmless.
    result.dirs.push('log/main');
    if (config !== undefined) result.files.push({ path: 'log/main/config', data: config, mode: 0o644 });
  }
  return result;
}
