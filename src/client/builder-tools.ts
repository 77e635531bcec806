/**
 * The tool names and option spellings of each supervision suite, and the settings each one
 * cannot express (rejected with ERR_INVALID rather than silently dropped).
 */
import { invalid, type Flavour, type LogOptions, type ProcessOptions, type ServiceLimits, type ServiceSpec } from './builder-spec.js';

/** A word of a generated command: quoted text, or shell syntax written as is (`"$service_dir"/env`). */
export type Word = string | { raw: string };

/** The same option letter in chpst, softlimit and s6-softlimit. */
const LIMIT_LETTERS: ReadonlyArray<[keyof ServiceLimits, string]> = [
  ['memory', '-m'],
  ['data', '-d'],
  ['openFiles', '-o'],
  ['processes', '-p'],
  ['fileSize', '-f'],
  ['core', '-c'],
  ['rss', '-r'],
  ['cpuSeconds', '-t'],
];

interface FlavourTools {
  envdir: readonly string[];
  setuidgid: string;
  softlimit: string;
  logger: string;
}

const TOOLS: Readonly<Record<Exclude<Flavour, 'runit'>, FlavourTools>> = {
  daemontools: { envdir: ['envdir'], setuidgid: 'setuidgid', softlimit: 'softlimit', logger: 'multilog' },
  s6: { envdir: ['s6-envdir'], setuidgid: 's6-setuidgid', softlimit: 's6-softlimit', logger: 's6-log' },
};

function limitWords(limits: ServiceLimits | undefined): string[] {
  const words: string[] = [];
  for (const [name, letter] of LIMIT_LETTERS) {
    const value = limits?.[name];
    if (value !== undefined) words.push(letter, String(value));
  }
  return words;
}

function toolPath(spec: ServiceSpec, name: string): string {
  return spec.tools.get(name) ?? name;
}

/** chpst does everything in one program, in its own fixed order. */
function runitWrapper(spec: ServiceSpec, envDir: Word | undefined, process: ProcessOptions): Word[] {
  const words: Word[] = [];
  if (envDir !== undefined) words.push('-e', envDir);
  if (process.user !== undefined) words.push('-u', process.group === undefined ? process.user : `${process.user}:${process.group}`);
  if (process.nice !== undefined) words.push('-n', String(process.nice));
  if (process.root !== undefined) words.push('-/', process.root);
  words.push(...limitWords(process.limits));
  return words.length === 0 ? [] : [toolPath(spec, 'chpst'), ...words];
}

/** daemontools and s6: one small program per change, chained; nice first, while still root. */
function chainWrapper(spec: ServiceSpec, tools: FlavourTools, envDir: Word | undefined, process: ProcessOptions): Word[] {
  if (process.group !== undefined) invalid(`${spec.flavour} cannot set a group apart from the user's (setuidgid takes an account)`);
  if (process.root !== undefined) invalid(`${spec.flavour} has no chroot tool; root is runit only`);
  const words: Word[] = [];
  if (envDir !== undefined) words.push(...tools.envdir.map((tool) => toolPath(spec, tool)), envDir);
  if (process.nice !== undefined) words.push(toolPath(spec, 'nice'), '-n', String(process.nice));
  if (process.user !== undefined) words.push(toolPath(spec, tools.setuidgid), process.user);
  const limits = limitWords(process.limits);
  if (limits.length > 0) words.push(toolPath(spec, tools.softlimit), ...limits);
  return words;
}

/** The words that change process state before the program: chpst, or envdir/setuidgid/... */
export function processWrapper(spec: ServiceSpec, envDir: Word | undefined): Word[] {
  // daemontools 0.76's supervise never runs ./finish (daemontools-encore does).
  if (spec.flavour === 'daemontools' && spec.finish !== undefined) invalid('daemontools runs no ./finish');
  if (spec.flavour === 'runit') return runitWrapper(spec, envDir, spec.process);
  return chainWrapper(spec, TOOLS[spec.flavour], envDir, spec.process);
}

function svlogdStampFlag(timestamps: LogOptions['timestamps']): string[] {
  if (timestamps === 'tai64n') return ['-t'];
  if (timestamps === 'human') return ['-tt'];
  if (timestamps === 'iso') return ['-ttt'];
  return [];
}

function rejectSvlogdOnly(flavour: Flavour, log: LogOptions): void {
  const svlogdOnly: Array<[keyof LogOptions, string]> = [
    ['prefix', 'a line prefix'],
    ['minCount', 'minCount (N)'],
    ['maxAge', 'maxAge (t)'],
    ['config', 'svlogd config lines'],
  ];
  for (const [key, what] of svlogdOnly) if (log[key] !== undefined) invalid(`${flavour}'s logger has no ${what}; it is runit only`);
}

/**
 * The logger's command line. svlogd's settings live in the directory's `config` file (see
 * svlogdConfig), never in its arguments: svlogd takes every argument as a log directory.
 * multilog and s6-log take them as a script of arguments before the directory.
 */
export function loggerCommand(spec: ServiceSpec, log: LogOptions, dirWord: string): Word[] {
  const user = log.user;
  if (spec.flavour === 'runit') {
    const asUser = user === undefined ? [] : [toolPath(spec, 'chpst'), '-u', user];
    return [...asUser, toolPath(spec, 'svlogd'), ...svlogdStampFlag(log.timestamps), dirWord];
  }
  rejectSvlogdOnly(spec.flavour, log);
  const tools = TOOLS[spec.flavour];
  const script: string[] = [];
  if (log.timestamps === 'tai64n') script.push('t');
  else if (log.timestamps === 'iso' && spec.flavour === 's6') script.push('T');
  else if (log.timestamps !== undefined && log.timestamps !== 'none') invalid(`${tools.logger} has no ${log.timestamps} timestamps`);
  const [minSize, maxSize] = spec.flavour === 'daemontools' ? [4096, 16_777_215] : [4096, Number.MAX_SAFE_INTEGER];
  if (log.size !== undefined) {
    if (log.size < minSize || log.size > maxSize) invalid(`${tools.logger} needs a size between ${minSize} and ${maxSize}`);
    script.push(`s${log.size}`);
  }
  if (log.count !== undefined) {
    if (spec.flavour === 'daemontools' && log.count < 2) invalid('multilog keeps at least 2 files');
    script.push(`n${log.count}`);
  }
  if (log.processor !== undefined) script.push(`!${log.processor}`);
  const asUser = user === undefined ? [] : [toolPath(spec, tools.setuidgid), user];
  return [...asUser, toolPath(spec, tools.logger), ...script, dirWord];
}

/** The text of svlogd's `<logdir>/config` (runit flavour), or undefined when nothing is set. */
export function svlogdConfig(log: LogOptions): string | undefined {
  const lines: string[] = [];
  if (log.size !== undefined) lines.push(`s${log.size}`);
  if (log.count !== undefined) lines.push(`n${log.count}`);
  if (log.minCount !== undefined) lines.push(`N${log.minCount}`);
  if (log.maxAge !== undefined) lines.push(`t${log.maxAge}`);
  if (log.processor !== undefined) lines.push(`!${log.processor}`);
  if (log.prefix !== undefined) lines.push(`p${log.prefix}`);
  lines.push(...(log.config ?? []));
  return lines.length === 0 ? undefined : lines.map((line) => `${line}\n`).join('');
}
