/**
 * chpst and its personalities (CHP-1): picks the front end by argv[0]'s basename, prints runit's
 * messages, exits 100 on usage and 111 on failure, or becomes the program (it never forks).
 *
 * Start-up time is the cost of every call (docs/chpst.md): bin/chpst runs this as one CommonJS
 * bundle (scripts/bundle.mjs), so this graph takes no shared module chpst does not need.
 */
import { writeSync } from 'node:fs';
import { answerHelpOrVersion, type ProgramHelp } from '../cli/help.js';
import { errnoName, errnoText } from '../errors.js';
import { byteArray, exitNow, writeByteString } from '../sys/index.js';
import { byteString, rawArgs } from '../sys/received.js';
import { applyPlan, changesEnvironment } from './apply.js';
import { inheritedFds, listOpenFds } from './inherited-fds.js';
import { ChpstFailure, baseName, bytes, parseChpst, personalityOf, selfName, type ParseResult } from './options.js';
import { parsePersonality } from './personalities.js';
import { quietenHeapForLimits } from './quiet-heap.js';
import { startingEnviron, startingPath } from './received.js';

/** chpst's exit codes (CHP-1, CHP-19, CHP-21); past exec the program's own take over. */
const EXIT = { usage: 100, fatal: 111, quietFailure: 0 } as const;

/** One write per message (GEN-1); a closed or broken fd 2 loses it, as in runit. */
function say(text: string): void {
  let rest = bytes(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(2, rest));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN') return;
    }
  }
}

/**
 * The last words after a failure past the point of no return (apply.ts): composed in a buffer
 * made beforehand from flat strings, because the heap may no longer be able to grow.
 */
function makeFailNow(): (what: Uint8Array, errno: number, isQuiet: boolean) => never {
  const line = new Uint8Array(8192);
  const prefix = byteArray('chpst: fatal: ');
  return (what, errno, isQuiet) => {
    if (!isQuiet) {
      const text = errnoText(errnoName(errno));
      if (prefix.length + what.length + text.length + 1 <= line.length) {
        line.set(prefix, 0);
        line.set(what, prefix.length);
        let length = writeByteString(line, prefix.length + what.length, text);
        line[length++] = 0x0a;
        try {
          writeSync(2, line, 0, length);
        } catch {
          // fd 2 closed (-2) or broken: the words are lost, as in runit.
        }
      } else {
        say(`chpst: fatal: ${String.fromCharCode(...what)}${text}\n`);
      }
    }
    return exitNow(isQuiet ? EXIT.quietFailure : EXIT.fatal);
  };
}

function parse(argv0: string, args: readonly string[]): ParseResult {
  const personality = personalityOf(argv0);
  if (personality === 'chpst') return parseChpst(args, baseName(argv0), selfName(argv0));
  return parsePersonality(personality, args, baseName(argv0), selfName(argv0));
}

/** --help's synopsis is the usage line the name chpst was called by prints (CHP-1). */
function helpOf(argv0: string): ProgramHelp {
  const name = selfName(argv0);
  const parsed = parse(argv0, []);
  const usage = 'usage' in parsed ? parsed.usage : '';
  return { name, synopsis: usage.slice(`usage: ${name} `.length).trimEnd(), doc: 'chpst.md' };
}

/** Synchronous from start to exec: bin/chpst's bundle already holds every module chpst may need. */
export function main(args: readonly string[]): void {
  // The bin shims run as `node bin/NAME`: argv[1] is the name chpst was called by.
  const argv0 = byteString(process.env['NODE_RUNIT_ARGV0'] ?? process.argv[1] ?? 'chpst');
  answerHelpOrVersion(args, () => helpOf(argv0));
  const raw = rawArgs(args);
  const parsed = parse(argv0, raw);
  if ('usage' in parsed) {
    say(parsed.usage);
    process.exit(EXIT.usage);
  }
  try {
    const inherited = inheritedFds(listOpenFds());
    if (parsed.plan.limits.size > 0) quietenHeapForLimits(raw, inherited, startingEnviron(process.env));
    // Read now: after -u the process may no longer read its /proc files, after -/ there are none.
    const environ = changesEnvironment(parsed.plan) ? startingEnviron(process.env) : undefined;
    applyPlan(parsed.plan, {
      environ,
      path: startingPath(process.env, environ),
      inherited,
      warn: say,
      failNow: makeFailNow(),
    });
  } catch (error) {
    // Anything else is a bug; still end the process (Node can hang reporting it with fd 2 closed).
    say(error instanceof ChpstFailure ? error.line : `chpst: fatal: ${String(error)}\n`);
    // Node's own descriptors may have been handed over already (apply.ts): no teardown.
    exitNow(error instanceof ChpstFailure && error.isQuiet ? EXIT.quietFailure : EXIT.fatal);
  }
}
