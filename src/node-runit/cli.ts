/**
 * node-runit: the PM2-style views of a tree of services (docs/node-runit.md). This file parses
 * the command line, calls the library of this folder, prints and picks the exit code; runit's
 * own programs are untouched.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { answerHelpOrVersion } from '../cli/help.js';
import { RestartOnChange, type RestartEvent } from '../client/restart-on-change.js';
import { writeStderr, writeStdout } from '../cli/output.js';
import { errorText } from '../errors.js';
import { watchTree } from './events.js';
import { followLogs } from './log-follow.js';
import { findLogSource } from './log-source.js';
import { listenMetrics } from './metrics-server.js';
import { tailLogs, type LogLine } from './log-tail.js';
import { readTrees, resolveServices } from './services.js';
import { startWeb } from './web.js';
import { formatTable } from './table.js';

/** 0 done; 100 usage, as sv; 111 a system error, as runit's programs. */
const EXIT = { ok: 0, usage: 100, fatal: 111 } as const;

/** Default ports: metrics at the exporters' end of the range, web beside it. */
const DEFAULT_PORT = { metrics: 9791, web: 9792 } as const;

const USAGE = `usage: node-runit ls [--json] [DIR...]
       node-runit logs [-f] [-n N] [SERVICE|DIR...]
       node-runit events [--initial] [DIR...]
       node-runit metrics [--port N] [--host H] [DIR...]
       node-runit web [--port N] [--host H] [DIR...]
       node-runit watch [--debounce MS] [--ignore REGEXP]... DIR SERVICE PATH...

DIR defaults to $SVDIR, else /service.
`;

class UsageError extends Error {}

type Command = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

function treesOf(operands: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return operands.length > 0 ? [...operands] : [env['SVDIR'] || '/service'];
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const ls: Command = async (args, env) => {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  const views = readTrees(treesOf(positionals, env));
  if (values.json === true) writeStdout(`${JSON.stringify(views, null, 2)}\n`);
  else writeStdout(formatTable(views, { isColour: process.stdout.isTTY === true && env['NO_COLOR'] === undefined }));
  return EXIT.ok;
};

/** The display prefix: names padded to one width, then ` | `, as pm2 prefixes its lines. */
function prefixer(names: readonly string[]): (line: LogLine) => string {
  const width = Math.max(0, ...names.map((name) => name.length));
  return (line) => `${line.service.padEnd(width)} | ${line.line}\n`;
}

const logs: Command = async (args, env) => {
  const { values, positionals } = parse(args, { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } });
  const count = values.lines === undefined ? 10 : Number(values.lines);
  if (!Number.isSafeInteger(count) || count < 0) throw new UsageError(`-n wants a count of lines: ${values.lines}`);
  const sources = resolveServices(positionals, treesOf([], env)[0]!).map(({ name, dir }) => findLogSource(name, dir));
  for (const source of sources) if (source.note !== undefined) writeStderr(`node-runit: ${source.name}: ${source.note}\n`);
  const format = prefixer(sources.map((source) => source.name));
  if (values.follow !== true) {
    for (const line of tailLogs(sources, count)) writeStdout(format(line));
    return EXIT.ok;
  }
  const follow = followLogs(sources, { signal: stopOnSignal(), tail: count });
  for await (const line of follow) writeStdout(format(line));
  return EXIT.ok;
};

/** Ends `iterate` on SIGINT or SIGTERM, cleanly. */
function stopOnSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

const events: Command = async (args, env) => {
  const { values, positionals } = parse(args, { initial: { type: 'boolean' } });
  const signal = stopOnSignal();
  for await (const event of watchTree(treesOf(positionals, env), { signal, initial: values.initial === true })) {
    writeStdout(`${JSON.stringify(event)}\n`);
  }
  return EXIT.ok;
};

function portOf(text: string | undefined, fallback: number): number {
  const port = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port wants a port number: ${text}`);
  return port;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => stopOnSignal().addEventListener('abort', () => resolve()));
}

/** Serves until SIGINT or SIGTERM, then closes. */
async function serveUntilSignal(server: Server): Promise<number> {
  await untilSignal();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return EXIT.ok;
}

const metrics: Command = async (args, env) => {
  const { values, positionals } = parse(args, { port: { type: 'string' }, host: { type: 'string' } });
  const { server, url } = await listenMetrics(treesOf(positionals, env), { port: portOf(values.port, DEFAULT_PORT.metrics), ...(values.host === undefined ? {} : { host: values.host }) });
  writeStderr(`node-runit: metrics on ${url}/metrics, health on ${url}/healthz\n`);
  return serveUntilSignal(server);
};

const web: Command = async (args, env) => {
  const { values, positionals } = parse(args, { port: { type: 'string' }, host: { type: 'string' } });
  const token = env['NODE_RUNIT_WEB_TOKEN'] || randomBytes(16).toString('hex');
  const started = await startWeb(treesOf(positionals, env), {
    port: portOf(values.port, DEFAULT_PORT.web),
    token,
    ...(values.host === undefined ? {} : { host: values.host }),
  });
  writeStderr(`node-runit: status page on ${started.url}\n`);
  await untilSignal();
  await started.close();
  return EXIT.ok;
};

const watchCommand: Command = async (args) => {
  const { values, positionals } = parse(args, { ignore: { type: 'string', multiple: true }, debounce: { type: 'string' } } as const);
  const [tree, service, ...paths] = positionals;
  if (tree === undefined || service === undefined || paths.length === 0) throw new UsageError('watch wants DIR SERVICE PATH...');
  const debounce = values.debounce === undefined ? undefined : Number(values.debounce);
  if (debounce !== undefined && !(debounce >= 0)) throw new UsageError(`--debounce wants milliseconds: ${values.debounce}`);
  const watcher = new RestartOnChange(join(tree, service), {
    paths,
    ignored: (values.ignore ?? []).map((text) => new RegExp(text)),
    ...(debounce === undefined ? {} : { debounce }),
    onEvent: (event) => writeStderr(`node-runit: ${service}: ${describeRestart(event)}\n`),
  });
  await watcher.ready;
  writeStderr(`node-runit: ${service}: watching ${paths.join(' ')}\n`);
  await untilSignal();
  await watcher.close();
  return EXIT.ok;
};

function describeRestart(event: RestartEvent): string {
  switch (event.type) {
    case 'restart':
      return `restart ${event.restarts} after changes to ${event.paths.slice(0, 3).join(' ')}${event.paths.length > 3 ? ' ...' : ''}`;
    case 'failing':
      return `the run after the restart died within the minimum uptime (${event.failures} in a row)`;
    case 'gave-up':
      return `still failing after ${event.failures} restarts: taken down until the next change`;
    case 'error':
      return `warning: ${errorText(event.error)}`;
  }
}

const COMMANDS: Record<string, Command> = { ls, logs, events, metrics, web, watch: watchCommand };

/** --help's synopsis: the first usage line's tail; the others follow as notes. */
const [FIRST_USAGE, ...OTHER_USAGES] = USAGE.trimEnd().split('\n');

export async function main(args: readonly string[]): Promise<void> {
  answerHelpOrVersion(args, () => ({
    name: 'node-runit',
    synopsis: FIRST_USAGE!.slice('usage: node-runit '.length),
    notes: OTHER_USAGES.map((line) => line.trim()).filter((line) => line !== ''),
  }));
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  let code: number;
  try {
    if (command === undefined) throw new UsageError(name === undefined ? 'no command' : `unknown command: ${name}`);
    code = await command(rest, process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      writeStderr(`node-runit: ${error.message}\n${USAGE}`);
      code = EXIT.usage;
    } else {
      writeStderr(`node-runit: fatal: ${errorText(error)}\n`);
      code = EXIT.fatal;
    }
  }
  process.exitCode = code;
}
