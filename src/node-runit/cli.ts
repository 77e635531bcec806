/**
 * node-runit: the PM2-style views of a tree of services (docs/node-runit.md). This file parses
 * the command line, calls the library of this folder, prints and picks the exit code; runit's
 * own programs are untouched.
 */
import { parseArgs } from 'node:util';
import { writeStderr, writeStdout } from '../cli/output.js';
import { errorText } from '../errors.js';
import { readTrees } from './services.js';
import { formatTable } from './table.js';

/** 0 done; 100 usage, as sv; 111 a system error, as runit's programs. */
const EXIT = { ok: 0, usage: 100, fatal: 111 } as const;

const USAGE = `usage: node-runit ls [--json] [DIR...]
       node-runit logs [-f] [-n N] [--dir DIR] [service...]
       node-runit events [DIR...]
       node-runit metrics [--port N] [--host H] [DIR...]
       node-runit web [--port N] [--host H] [DIR...]
       node-runit watch DIR SERVICE PATH...

DIR defaults to $SVDIR, else /service.
`;

class UsageError extends Error {}

type Command = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

function treesOf(operands: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return operands.length > 0 ? [...operands] : [env['SVDIR'] || '/service'];
}

function parse<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], options: T) {
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

const COMMANDS: Record<string, Command> = { ls };

export async function main(args: readonly string[]): Promise<void> {
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
