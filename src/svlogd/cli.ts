/**
 * `svlogd [-tttv] [-r c] [-R xyz] [-l len] [-b buflen] dir ...` (SVL-1, SVL-2, SVL-22): parses
 * options in runit's way, wires TERM/ALRM/HUP to the engine and exits with its code.
 */
import { openSync, closeSync } from 'node:fs';
import { getopt, getoptErrorLine } from '../cli/getopt.js';
import { invokedAs, programName, usageText, writeStderr } from '../cli/output.js';
import { errorText } from '../errors.js';
import { scanUlong } from './config.js';
import { Svlogd, type SvlogdOptions } from './engine.js';
import { openInput } from './input.js';
import type { StampMode } from './stamp.js';

const USAGE_TAIL = '[-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...';
const VERSION = '$Id: 5e55a90e0a1b35ec47fed3021453c50675ea1117 $';
const EXIT_FAILURE = 111;

export type ParsedArgs = { kind: 'run'; options: SvlogdOptions } | { kind: 'usage'; message: string };

/** The options of SVL-1, or the text to print before exiting 111. */
export function parseArgs(args: readonly string[], argv0: string): ParsedArgs {
  const usage = usageText(argv0, USAGE_TAIL);
  const { options, operands, error } = getopt(args, 'R:r:l:b:tvV');
  if (error !== undefined) return { kind: 'usage', message: getoptErrorLine(programName(argv0), error) + usage };
  let stampMode = 0;
  let replaceByte = 0;
  let extra: Uint8Array = new Uint8Array(0);
  let lineMax = 1000;
  let bufferSize = 1024;
  let isVerbose = false;
  for (const { letter, value = '' } of options) {
    const bytes = Buffer.from(value);
    switch (letter) {
      case 'R':
        extra = bytes;
        if (replaceByte === 0) replaceByte = 0x5f; // `_` until a -r says otherwise
        break;
      case 'r':
        if (bytes.length !== 1 || bytes[0] === 0) return { kind: 'usage', message: usage };
        replaceByte = bytes[0]!;
        break;
      case 'l':
        lineMax = scanUlong(bytes, 0).value || 1000;
        break;
      case 'b':
        bufferSize = scanUlong(bytes, 0).value || 1024;
        break;
      case 't':
        stampMode = Math.min(3, stampMode + 1);
        break;
      case 'v':
        isVerbose = true;
        break;
      case 'V':
        return { kind: 'usage', message: `${VERSION}\n${usage}` };
    }
  }
  if (operands.length === 0 || bufferSize <= lineMax) return { kind: 'usage', message: usage };
  return {
    kind: 'run',
    options: {
      dirs: operands,
      stampMode: stampMode as StampMode,
      replace: replaceByte === 0 ? undefined : { byte: replaceByte, extra },
      lineMax,
      bufferSize,
      isVerbose,
    },
  };
}

export async function main(args: readonly string[]): Promise<void> {
  const parsed = parseArgs(args, invokedAs());
  if (parsed.kind === 'usage') {
    writeStderr(parsed.message);
    process.exit(EXIT_FAILURE);
  }
  try {
    closeSync(openSync('.', 'r'));
  } catch (error) {
    writeStderr(`svlogd: fatal: unable to open current working directory: ${errorText(error)}\n`);
    process.exit(EXIT_FAILURE);
  }
  const engine = new Svlogd(openInput(0, parsed.options.bufferSize ?? 1024), parsed.options);
  process.on('SIGTERM', () => engine.terminate());
  process.on('SIGALRM', () => engine.rotateAll());
  process.on('SIGHUP', () => engine.reopen());
  try {
    process.exit(await engine.run());
  } catch (error) {
    // Not reached by any known path; if it is, say so in runit's shape and exit as svlogd's fatals do.
    writeStderr(`svlogd: fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT_FAILURE);
  }
}
