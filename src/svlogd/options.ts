/**
 * svlogd's command line (SVL-1), read as runit reads it, plus one option of ours: `-T`, local
 * time stamps in ISO 8601 (real svlogd rejects `-T`, so no valid runit command line changes
 * meaning).
 */
import { getopt, type GetoptError } from '../cli/getopt.js';
import { scanUlong } from '../protocol/scan-ulong.js';
import { encodeName } from '../sys/byte-names.js';
import type { SvlogdOptions } from './engine-options.js';
import type { StampFormat } from './stamp.js';

export interface SvlogdArgs {
  stampCount: number;
  isLocalStamp: boolean;
  verbose: boolean;
  replaceChar: number | undefined;
  replaceExtra: Uint8Array;
  lineMax: number;
  bufferSize: number;
  dirs: string[];
}

export type ParseResult =
  | { kind: 'ok'; args: SvlogdArgs }
  | { kind: 'usage'; getoptError?: GetoptError; isVersion?: boolean };

export const SVLOGD_VERSION = '$Id: 5e55a90e0a1b35ec47fed3021453c50675ea1117 $';
export const USAGE_TAIL = '[-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ...';

export function stampFormatOf(args: SvlogdArgs): StampFormat {
  if (args.isLocalStamp) return 'local';
  return (['none', 'tai64n', 'utc', 'iso'] as const)[Math.min(args.stampCount, 3)]!;
}

/** What the command line asks of the engine: the same for svlogd and a log service run in process. */
export function engineOptionsOf(args: SvlogdArgs): Pick<SvlogdOptions, 'dirs' | 'stamp' | 'verbose' | 'replaceChar' | 'replaceExtra' | 'lineMax' | 'bufferSize'> {
  return {
    dirs: args.dirs,
    stamp: stampFormatOf(args),
    verbose: args.verbose,
    replaceChar: args.replaceChar,
    replaceExtra: args.replaceExtra,
    lineMax: args.lineMax,
    bufferSize: args.bufferSize,
  };
}

export function parseArgs(argv: readonly string[]): ParseResult {
  const parsed = getopt(argv, 'R:r:l:b:tvVT');
  const args: SvlogdArgs = {
    stampCount: 0,
    isLocalStamp: false,
    verbose: false,
    replaceChar: undefined,
    replaceExtra: new Uint8Array(0),
    lineMax: 1000,
    bufferSize: 1024,
    dirs: [],
  };
  for (const { letter, value = '' } of parsed.options) {
    const bytes = encodeName(value);
    switch (letter) {
      case 'R':
        args.replaceExtra = bytes;
        args.replaceChar ??= 0x5f;
        break;
      case 'r':
        if (bytes.length !== 1 || bytes[0] === 0) return { kind: 'usage' };
        args.replaceChar = bytes[0];
        break;
      case 'l':
        args.lineMax = Number(scanUlong(bytes).value) || 1000;
        break;
      case 'b':
        args.bufferSize = Number(scanUlong(bytes).value) || 1024;
        break;
      case 't':
        args.stampCount++;
        break;
      case 'T':
        args.isLocalStamp = true;
        break;
      case 'v':
        args.verbose = true;
        break;
      case 'V':
        return { kind: 'usage', isVersion: true };
    }
  }
  if (parsed.error !== undefined) return { kind: 'usage', getoptError: parsed.error };
  args.dirs = parsed.operands;
  if (args.dirs.length === 0 || args.bufferSize <= args.lineMax) return { kind: 'usage' };
  return { kind: 'ok', args };
}
