/**
 * chpst's command line (CHP-2) turned into a Plan that apply.ts carries out in runit's fixed
 * order (CHP-3). Pure: no I/O. Every string here is a "byte string" (latin1: one char per byte),
 * so names and values that are not UTF-8 reach the program unchanged.
 */
import { getopt, getoptErrorLine, type GetoptResult } from '../cli/getopt.js';
import { RunitError, errorCode, errorText, isErrnoName, type ErrnoName } from '../errors.js';
import { scanUlong } from '../protocol/scan-ulong.js';

/** Resource limits in the order chpst applies them (CHP-3 step 9). */
export const LIMIT_ORDER = ['data', 'stack', 'memlock', 'as', 'nofile', 'nproc', 'fsize', 'core', 'rss', 'cpu'] as const;
export type LimitName = (typeof LIMIT_ORDER)[number];

/** One recorded environment change: `NAME=VALUE` sets, a bare `NAME` unsets (CHP-22). */
export type EnvChange = string;

/** `extended`: chpst's `[:]user[:group...]` forms (CHP-4); otherwise a plain account (CHP-16/17). */
export interface UserSpec {
  account: string;
  extended: boolean;
}

export interface Plan {
  /** The operands: the program and its arguments. */
  program: string[];
  argv0: string | undefined;
  verbose: boolean;
  newSession: boolean;
  envDir: string | undefined;
  /** The envdir personality treats a subdirectory as fatal; chpst -e skips it (CHP-6, CHP-15). */
  isSubdirFatal: boolean;
  root: string | undefined;
  /** chpst's `long` nice level; 0 means "leave alone" (CHP-8). */
  nice: bigint;
  envUser: UserSpec | undefined;
  setUser: UserSpec | undefined;
  lock: { path: string; wait: boolean } | undefined;
  /** setlock -x: lock and exec failures exit 0 without a word (CHP-19). */
  isQuiet: boolean;
  closeFds: number[];
  /** chpst's `long` per limit: -1 means soft = hard; below -1 the limit is skipped (CHP-11). */
  limits: Map<LimitName, bigint>;
}

export type ParseResult = { plan: Plan } | { usage: string };

export const VERSION_LINE = '$Id: f279d44141c981dd7535a12260efcf1ef7beed26 $\n';

export const CHPST_USAGE =
  ' [-vVP012] [-u user[:group]] [-U user[:group]] [-b argv0] [-e dir] [-/ root] [-n nice] [-l|-L lock] [-m n] [-d n] [-o n] [-p n] [-f n] [-c n] [-t n] prog';

export function emptyPlan(): Plan {
  return {
    program: [],
    argv0: undefined,
    verbose: false,
    newSession: false,
    envDir: undefined,
    isSubdirFatal: false,
    root: undefined,
    nice: 0n,
    envUser: undefined,
    setUser: undefined,
    lock: undefined,
    isQuiet: false,
    closeFds: [],
    limits: new Map(),
  };
}

/** `usage: NAME TAIL` + newline + blank line (GEN-3; runit's tails start with a space). */
export function usage(name: string, tail: string): string {
  return `usage: ${name}${tail}\n\n`;
}

/** A whole-word unsigned number as chpst stores it in a `long`; undefined if not all digits. */
export function parseLong(text: string): bigint | undefined {
  const { value, length } = scanUlong(text);
  return length === text.length ? BigInt.asIntN(64, value) : undefined;
}

/** `-n`: `N`, `+N` or `-N` (CHP-8). */
function parseNice(text: string): bigint | undefined {
  const sign = text[0];
  const digits = sign === '-' || sign === '+' ? text.slice(1) : text;
  const value = parseLong(digits);
  if (value === undefined) return undefined;
  return sign === '-' ? BigInt.asIntN(64, -value) : value;
}

const LIMIT_LETTERS: Readonly<Record<string, readonly LimitName[]>> = {
  m: ['stack', 'memlock', 'as', 'data'],
  d: ['data'],
  o: ['nofile'],
  p: ['nproc'],
  f: ['fsize'],
  c: ['core'],
  r: ['rss'],
  t: ['cpu'],
};

/** C-style basename: everything after the last `/` (so `dir/` names itself ""). */
export function baseName(argv0: string): string {
  return argv0.slice(argv0.lastIndexOf('/') + 1);
}

export const PERSONALITIES = ['setuidgid', 'envuidgid', 'envdir', 'pgrphack', 'setlock', 'softlimit'] as const;
export type Personality = (typeof PERSONALITIES)[number] | 'chpst';

/** The name chpst calls itself: argv[0]'s basename less one leading `d` (CHP-1). */
export function selfName(argv0: string): string {
  const base = baseName(argv0);
  return base.startsWith('d') ? base.slice(1) : base;
}

export function personalityOf(argv0: string): Personality {
  const name = selfName(argv0);
  return (PERSONALITIES as readonly string[]).includes(name) ? (name as Personality) : 'chpst';
}

/**
 * Walks getopt's options in order, as runit's switch does: the first bad value or `-V` ends in
 * usage before later options are looked at; a getopt error (printed by getopt itself) comes
 * after every option before it was accepted.
 */
export function walkOptions(
  parsed: GetoptResult,
  getoptName: string,
  usageText: string,
  take: (letter: string, value: string | undefined) => 'ok' | 'usage' | 'version',
): string | undefined {
  for (const { letter, value } of parsed.options) {
    const verdict = take(letter, value);
    if (verdict === 'usage') return usageText;
    if (verdict === 'version') return VERSION_LINE + usageText;
  }
  if (parsed.error !== undefined) return getoptErrorLine(getoptName, parsed.error) + usageText;
  return undefined;
}

/** chpst proper (CHP-2). `name` is argv[0]'s basename with a leading `d` dropped (CHP-1). */
export function parseChpst(args: readonly string[], getoptName: string, name: string): ParseResult {
  const plan = emptyPlan();
  const usageText = usage(name, CHPST_USAGE);
  const parsed = getopt(args, 'u:U:b:e:m:d:o:p:f:c:r:t:/:n:l:L:vP012V');
  const failure = walkOptions(parsed, getoptName, usageText, (letter, value = '') => {
    const limits = LIMIT_LETTERS[letter];
    if (limits !== undefined) {
      const limit = parseLong(value);
      if (limit === undefined) return 'usage';
      for (const which of limits) plan.limits.set(which, limit);
      return 'ok';
    }
    switch (letter) {
      case 'u':
        plan.setUser = { account: value, extended: true };
        break;
      case 'U':
        plan.envUser = { account: value, extended: true };
        break;
      case 'b':
        plan.argv0 = value;
        break;
      case 'e':
        plan.envDir = value;
        break;
      case '/':
        plan.root = value;
        break;
      case 'n': {
        const nice = parseNice(value);
        if (nice === undefined) return 'usage';
        plan.nice = nice;
        break;
      }
      case 'l':
      case 'L':
        if (plan.lock !== undefined) return 'usage';
        plan.lock = { path: value, wait: letter === 'l' };
        break;
      case 'v':
        plan.verbose = true;
        break;
      case 'P':
        plan.newSession = true;
        break;
      case 'V':
        return 'version';
      default:
        plan.closeFds.push(Number(letter));
    }
    return 'ok';
  });
  if (failure !== undefined) return { usage: failure };
  if (parsed.operands.length === 0) return { usage: usageText };
  plan.closeFds = [0, 1, 2].filter((fd) => plan.closeFds.includes(fd));
  plan.program = parsed.operands;
  return { plan };
}

/** The errno name behind `cause`, or ERR_CHPST when there is none. */
function codeOf(cause: unknown): ErrnoName | 'ERR_CHPST' {
  const code = errorCode(cause);
  return code !== undefined && isErrnoName(code) ? code : 'ERR_CHPST';
}

/**
 * How chpst stops short of exec: one `chpst: fatal: ...` line (CHP-21), or, for setlock -x, no
 * word at all (CHP-19); cli.ts prints the line and picks the exit code. Thrown by apply.ts.
 * `code` is the errno name of the cause, or ERR_CHPST.
 */
export class ChpstFailure extends RunitError {
  /** setlock -x: give up without a word (and exit 0). */
  readonly isQuiet: boolean;
  /** The whole text for fd 2 (a byte string); '' when nothing is printed. */
  readonly line: string;

  constructor(line: string, isQuiet: boolean, cause: unknown) {
    super(codeOf(cause), line.trimEnd(), { cause });
    this.line = line;
    this.isQuiet = isQuiet;
  }

  /** `what` ends in ": " and is followed by runit's text for the error (GEN-1, GEN-2). */
  static sys(what: string, cause: unknown): ChpstFailure {
    return new ChpstFailure(`chpst: fatal: ${what}${errorText(cause)}\n`, false, cause);
  }

  /** A failure with no errno behind it (`unknown user/group: ARG`). */
  static plain(text: string): ChpstFailure {
    return new ChpstFailure(`chpst: fatal: ${text}\n`, false, undefined);
  }

  /** setlock -x: give up quietly. */
  static quiet(cause: unknown): ChpstFailure {
    return new ChpstFailure('', true, cause);
  }
}

/** Runs `action`; whatever it throws becomes `chpst: fatal: WHAT<error text>` (ChpstFailure.sys). */
export function attempt<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw ChpstFailure.sys(what, error);
  }
}

/** A byte string (latin1) back to the bytes it stands for. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
