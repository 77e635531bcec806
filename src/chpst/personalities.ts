/**
 * The daemontools-style names chpst answers to (CHP-1, CHP-15..20). Each one is a front end that
 * builds the same Plan as chpst proper; only parsing and usage texts differ.
 */
import { getopt } from '../cli/getopt.js';
import {
  CHPST_USAGE,
  emptyPlan,
  parseLong,
  usage,
  walkOptions,
  type LimitName,
  type ParseResult,
  type Personality,
} from './options.js';

const SETLOCK_USAGE = ' [ -nNxX ] file program [ arg ... ]';
const SOFTLIMIT_USAGE =
  ' [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child';

/** `NAME ACCOUNT-or-DIR CHILD...`: no getopt at all, the first word is taken as is. */
function parseFirstThenChild(args: readonly string[], name: string, tail: string): ParseResult | string {
  if (args.length < 2) return { usage: usage(name, tail) };
  return args[0]!;
}

const SOFTLIMIT_LETTERS: Readonly<Record<string, readonly LimitName[]>> = {
  a: ['as'],
  c: ['core'],
  d: ['data'],
  f: ['fsize'],
  l: ['memlock'],
  m: ['data', 'stack', 'memlock', 'as'],
  o: ['nofile'],
  p: ['nproc'],
  r: ['rss'],
  s: ['stack'],
  t: ['cpu'],
};

function parseSetlock(args: readonly string[], getoptName: string, name: string): ParseResult {
  const plan = emptyPlan();
  const usageText = usage(name, SETLOCK_USAGE);
  const parsed = getopt(args, 'nNxX');
  let wait = false;
  const failure = walkOptions(parsed, getoptName, usageText, (letter) => {
    if (letter === 'n' || letter === 'N') wait = letter === 'n';
    else plan.isQuiet = letter === 'x';
    return 'ok';
  });
  if (failure !== undefined) return { usage: failure };
  if (parsed.operands.length < 2) return { usage: usageText };
  plan.lock = { path: parsed.operands[0]!, wait };
  plan.program = parsed.operands.slice(1);
  return { plan };
}

function parseSoftlimit(args: readonly string[], getoptName: string, name: string): ParseResult {
  const plan = emptyPlan();
  const usageText = usage(name, SOFTLIMIT_USAGE);
  const parsed = getopt(args, 'a:c:d:f:l:m:o:p:r:s:t:');
  let badNumber = false;
  const failure = walkOptions(parsed, getoptName, usageText, (letter, value = '') => {
    // `=` is "soft = hard"; any other non-number falls into chpst's main usage (quirk, CHP-20).
    const limit = value === '=' ? -1n : parseLong(value);
    if (limit === undefined) {
      badNumber = true;
      return 'usage';
    }
    for (const which of SOFTLIMIT_LETTERS[letter]!) plan.limits.set(which, limit);
    return 'ok';
  });
  if (badNumber) return { usage: usage(name, CHPST_USAGE) };
  if (failure !== undefined) return { usage: failure };
  if (parsed.operands.length === 0) return { usage: usageText };
  plan.program = parsed.operands;
  return { plan };
}

/**
 * Parses argv for a personality (called only when argv[0] names one; the module itself is in
 * chpst's bundle either way). getopt's own complaints carry the raw basename
 * (`dsetlock: illegal option -- q`), usage texts the name less its `d`.
 */
export function parsePersonality(
  personality: Exclude<Personality, 'chpst'>,
  args: readonly string[],
  getoptName: string,
  name: string,
): ParseResult {
  switch (personality) {
    case 'setlock':
      return parseSetlock(args, getoptName, name);
    case 'softlimit':
      return parseSoftlimit(args, getoptName, name);
    case 'pgrphack': {
      if (args.length === 0) return { usage: usage(name, ' child') };
      return { plan: { ...emptyPlan(), newSession: true, program: [...args] } };
    }
    default: {
      const tail = personality === 'envdir' ? ' dir child' : ' account child';
      const first = parseFirstThenChild(args, name, tail);
      if (typeof first !== 'string') return first;
      const plan = { ...emptyPlan(), program: args.slice(1) };
      if (personality === 'envdir') return { plan: { ...plan, envDir: first, isSubdirFatal: true } };
      const user = { account: first, extended: false };
      return { plan: personality === 'envuidgid' ? { ...plan, envUser: user } : { ...plan, setUser: user } };
    }
  }
}
