/**
 * chpst and its personalities (CHP-1): picks the front end by argv[0]'s basename, prints runit's
 * messages, exits 100 on usage and 111 on failure, or becomes the program (it never forks).
 *
 * Start-up time is the cost of every call (docs/chpst.md): bin/chpst runs this as one CommonJS
 * bundle (scripts/bundle.mjs), so this graph takes no shared module chpst does not need.
 */
import { readdirSync, writeSync } from 'node:fs';
import { answerHelpOrVersion, type ProgramHelp } from '../cli/help.js';
import { errnoName, errnoText } from '../errors.js';
import { byteArray, cString, cVector, execveNow, exitNow, getStatusFlags, readlinkIfAny, setCloseOnExec, writeByteString } from '../sys/index.js';
import { applyPlan, changesEnvironment, envValue } from './apply.js';
import { readBytes } from './read-bytes.js';
import { ChpstFailure, baseName, bytes, parseChpst, personalityOf, selfName, type ParseResult } from './options.js';
import { parsePersonality } from './personalities.js';

/** Node's UTF-8-decoded view of a string, back as the byte string chpst works in (options.ts). */
function byteString(text: string): string {
  // ASCII is its own UTF-8: the usual argument skips Buffer's encoders and their first-use cost.
  for (let at = 0; at < text.length; at++) {
    if (text.charCodeAt(at) > 0x7f) return Buffer.from(text).toString('latin1');
  }
  return text;
}

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

/** NUL-separated /proc text as byte strings, or undefined when it cannot be read. */
function readProcList(name: string): string[] | undefined {
  try {
    const items = readBytes(`/proc/self/${name}`).split('\0');
    items.pop();
    return items;
  } catch {
    return undefined;
  }
}

/**
 * The arguments as the bytes the caller passed (Node decodes argv as UTF-8 and would mangle
 * anything else); Node's own view is the fallback whenever the two do not line up.
 */
function rawArgs(args: readonly string[]): string[] {
  // Without a replacement character Node's decoding lost nothing: skip reading /proc.
  if (!args.some((arg) => arg.includes('\ufffd'))) return args.map(byteString);
  const cmdline = readProcList('cmdline');
  if (cmdline === undefined || cmdline.length < args.length) return args.map(byteString);
  const tail = cmdline.slice(cmdline.length - args.length);
  const lineUp = tail.every((raw, at) => Buffer.from(raw, 'latin1').toString() === args[at]);
  return lineUp ? tail : args.map(byteString);
}

/** The environment exactly as this process received it (order, duplicates, raw bytes). */
function startingEnviron(): string[] {
  const fromNode = (): string[] =>
    Object.entries(process.env).map(([name, value]) => byteString(`${name}=${value ?? ''}`));
  return readProcList('environ') ?? fromNode();
}

/**
 * PATH's bytes, as getenv would give them: Node's view, unless decoding it as UTF-8 lost
 * something; then the first PATH entry of the environment as received.
 */
function startingPath(environ: readonly string[] | undefined): string | undefined {
  const path = process.env['PATH'];
  if (path === undefined) return undefined;
  if (!path.includes('\ufffd')) return byteString(path);
  return envValue(environ ?? startingEnviron(), 'PATH');
}

/**
 * The descriptors chpst inherited, so the program inherits the same ones (GEN-7).
 *
 * Node calls libuv's uv_disable_stdio_inheritance() at start-up, which marks fds 0-15 (and open
 * ones after them up to the first gap) close-on-exec, inherited or not; Node's own descriptors
 * are close-on-exec too, so the flag no longer tells them apart. What does: Node's own are
 * anon inodes (epoll, eventfd) and pipes with both ends in this process. Read before -u (after a
 * uid change /proc/self/fd is no longer ours to read) and -/ (no /proc in the new root).
 */
function inheritedFds(): Set<number> {
  const all: { fd: number; target: string; mode: number }[] = [];
  try {
    for (const name of readdirSync('/proc/self/fd')) {
      const fd = Number(name);
      // Always handed over, and never one end of Node's own pipes: no need to look.
      if (fd <= 2) {
        all.push({ fd, target: '', mode: 2 });
        continue;
      }
      const target = readlinkIfAny(`/proc/self/fd/${name}`);
      // No target: readdir's own descriptor, closed by now.
      if (target !== undefined) all.push({ fd, target, mode: target.startsWith('pipe:') ? getStatusFlags(fd) & 3 : 2 });
    }
  } catch {
    return new Set([0, 1, 2]);
  }
  const isNodeOwn = ({ fd, target }: { fd: number; target: string }): boolean => {
    if (fd <= 2) return false;
    if (target.startsWith('anon_inode:')) return true;
    const ends = all.filter((other) => other.target === target && other.fd > 2 && target.startsWith('pipe:'));
    return ends.some((end) => end.mode === 0) && ends.some((end) => end.mode === 1);
  };
  return new Set(all.filter((info) => !isNodeOwn(info)).map((info) => info.fd));
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
    return exitNow(isQuiet ? 0 : 111);
  };
}

function parse(argv0: string, args: readonly string[]): ParseResult {
  const personality = personalityOf(argv0);
  if (personality === 'chpst') return parseChpst(args, baseName(argv0), selfName(argv0));
  return parsePersonality(personality, args, baseName(argv0), selfName(argv0));
}

const QUIET_V8 = ['--single-threaded', '--expose-gc'];

/**
 * Makes the heap stand still for the limits, which are set just before the exec: once a data
 * or address-space limit is below what Node has mapped, any growth aborts it. V8's concurrent
 * compiler and GC threads allocate whenever they like (Node 24 aborted ~1 run in 5: `Zone
 * Allocation failed`, `std::bad_alloc`), and a scavenge may commit new semi-space (Node 22, once
 * its code cache was refused: `Committing semi space failed`). So chpst runs itself again with
 * V8 single-threaded and `gc` exposed, before it has changed anything, and that run collects
 * first: 0 aborts in 200 runs on each of Node 20, 22 and 24 (issue 17). One more Node start-up and a
 * GC, only when limits are asked for. Returns only in the second run, or if the exec failed.
 */
function quietenHeapForLimits(args: readonly string[], inherited: ReadonlySet<number>): void {
  if (process.execArgv.includes(QUIET_V8[0]!)) {
    (globalThis as { gc?: () => void }).gc?.();
    return;
  }
  if (process.argv[1] === undefined) return;
  // Node marks fds 0-15 close-on-exec at start-up (inheritedFds): hand the inherited ones over.
  for (const fd of inherited) {
    try {
      setCloseOnExec(fd, false);
    } catch {
      // Already gone: nothing to hand over.
    }
  }
  // `args` are byte strings already (rawArgs); Node's own strings are decoded text.
  const argv = [...[process.execPath, ...process.execArgv, ...QUIET_V8, process.argv[1]].map(byteString), ...args];
  execveNow(cString(byteString(process.execPath)), cVector(argv), cVector(startingEnviron()));
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
    process.exit(100);
  }
  try {
    const inherited = inheritedFds();
    if (parsed.plan.limits.size > 0) quietenHeapForLimits(raw, inherited);
    // Read now: after -u the process may no longer read its /proc files, after -/ there are none.
    const environ = changesEnvironment(parsed.plan) ? startingEnviron() : undefined;
    applyPlan(parsed.plan, {
      environ,
      path: startingPath(environ),
      inherited,
      warn: say,
      failNow: makeFailNow(),
    });
  } catch (error) {
    // Anything else is a bug; still end the process (Node can hang reporting it with fd 2 closed).
    say(error instanceof ChpstFailure ? error.line : `chpst: fatal: ${String(error)}\n`);
    // Node's own descriptors may have been handed over already (apply.ts): no teardown.
    exitNow(error instanceof ChpstFailure ? error.exitCode : 111);
  }
}
