/**
 * Where a service's log lines are: the directory its `log/run` hands to svlogd, or `log/main` by
 * convention, and how svlogd stamps them (-t TAI64N, -tt UTC with `_`, -ttt ISO-like with `T`).
 * A service without one gets a sentence saying where its output goes instead.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG, SERVICE_FILE } from '../protocol/layout.js';
import { parseTai64n } from '../protocol/tai64n.js';

export type StampKind = 'none' | 'tai64n' | 'tt' | 'ttt';

export interface LogSource {
  /** The service's name in the views. */
  name: string;
  serviceDir: string;
  /** The svlogd directory; undefined when none was found. */
  logDir?: string;
  /** The stamps svlogd was told to write (none: lines are merged in file order). */
  stamps: StampKind;
  /** Without a log directory: where the service's output goes. */
  note?: string;
}

/** svlogd's options that take an argument (runit's svlogd.8: -r c, -R abc, -l len, -b buflen). */
const WITH_ARGUMENT = new Set(['r', 'R', 'l', 'b']);

/** Shell words of one line, quotes removed: enough for the `exec svlogd -tt ./main` lines people write. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** The svlogd invocation in a `log/run` script: its stamp option and directories. */
export function parseSvlogdLine(script: string): { stamps: StampKind; dirs: string[] } | undefined {
  for (const line of script.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const all = words(line);
    const at = all.findIndex((word) => word === 'svlogd' || word.endsWith('/svlogd'));
    if (at === -1) continue;
    let ts = 0;
    const dirs: string[] = [];
    let isOptions = true;
    for (let i = at + 1; i < all.length; i++) {
      const word = all[i]!;
      if (isOptions && word === '--') {
        isOptions = false;
      } else if (isOptions && word.startsWith('-') && word.length > 1) {
        for (let c = 1; c < word.length; c++) {
          const letter = word[c]!;
          if (letter === 't') ts++;
          else if (WITH_ARGUMENT.has(letter)) {
            if (c === word.length - 1) i++; // the argument is the next word
            break;
          }
        }
      } else if (/^[<>|&;]|^\d?>/.test(word)) {
        break; // a redirection or the end of the command
      } else {
        isOptions = false;
        dirs.push(word);
      }
    }
    return { stamps: ts === 0 ? 'none' : ts === 1 ? 'tai64n' : ts === 2 ? 'tt' : 'ttt', dirs };
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The main log directory convention when log/run says nothing we can read. */
export const CONVENTIONAL_LOG_DIR = 'main';

/** Finds `serviceDir`'s log directory (see the module comment). */
export function findLogSource(name: string, serviceDir: string): LogSource {
  const logService = join(serviceDir, LOG);
  if (!isDirectory(logService)) {
    return { name, serviceDir, stamps: 'none', note: "no log service: its output goes to the supervisor's own output (runsvdir's, or the console)" };
  }
  let script = '';
  try {
    script = readFileSync(join(logService, SERVICE_FILE.run), 'utf8');
  } catch {
    // no readable log/run: the convention below still applies
  }
  const parsed = parseSvlogdLine(script);
  for (const dir of [...(parsed?.dirs ?? []), CONVENTIONAL_LOG_DIR]) {
    const path = resolve(logService, dir);
    if (isDirectory(path)) return { name, serviceDir, logDir: path, stamps: parsed?.stamps ?? 'none' };
  }
  return {
    name,
    serviceDir,
    stamps: 'none',
    note: parsed === undefined ? `its output goes to ${LOG}/${SERVICE_FILE.run}, which runs no svlogd` : `its svlogd directory does not exist yet`,
  };
}

const TT = /^(\d{4})-(\d{2})-(\d{2})[_T](\d{2}):(\d{2}):(\d{2})\.(\d+) /;

/** The wall-clock ms of a line's svlogd stamp; undefined when it has none of `kind`. */
export function lineStampMillis(line: string, kind: StampKind): number | undefined {
  if (kind === 'tai64n') {
    const stamp = parseTai64n(line.slice(0, 25));
    return stamp === undefined ? undefined : stamp.seconds * 1000 + stamp.nanoseconds / 1e6;
  }
  if (kind === 'none') return undefined;
  const match = TT.exec(line);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d, h, mi, s) + Number(`0.${match[7]}`) * 1000;
}
