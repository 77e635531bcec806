/**
 * What chpst received, as the bytes the caller passed: arguments, environment and PATH. Node
 * decodes argv and the environment as UTF-8, which mangles anything else; /proc/self has the
 * originals. Strings are byte strings (latin1), see options.ts.
 */
import { envValue } from './apply.js';
import { readBytes } from './read-bytes.js';

/** Reads a NUL-separated /proc/self file (`cmdline`, `environ`); undefined when unreadable. */
export type ProcListReader = (name: 'cmdline' | 'environ') => string[] | undefined;

/** Node's UTF-8-decoded view of a string, back as the byte string chpst works in (options.ts). */
export function byteString(text: string): string {
  // ASCII is its own UTF-8: the usual argument skips Buffer's encoders and their first-use cost.
  for (let at = 0; at < text.length; at++) {
    if (text.charCodeAt(at) > 0x7f) return Buffer.from(text).toString('latin1');
  }
  return text;
}

/** NUL-separated /proc/self text as byte strings, or undefined when it cannot be read. */
export function readProcList(name: 'cmdline' | 'environ'): string[] | undefined {
  try {
    const items = readBytes(`/proc/self/${name}`).split('\0');
    items.pop();
    return items;
  } catch {
    return undefined;
  }
}

/**
 * The arguments as the bytes the caller passed; Node's own view is the fallback whenever the two
 * do not line up.
 */
export function rawArgs(args: readonly string[], readList: ProcListReader = readProcList): string[] {
  // Without a replacement character Node's decoding lost nothing: skip reading /proc.
  if (!args.some((arg) => arg.includes('\ufffd'))) return args.map(byteString);
  const cmdline = readList('cmdline');
  if (cmdline === undefined || cmdline.length < args.length) return args.map(byteString);
  const tail = cmdline.slice(cmdline.length - args.length);
  const lineUp = tail.every((raw, at) => Buffer.from(raw, 'latin1').toString() === args[at]);
  return lineUp ? tail : args.map(byteString);
}

/** The environment exactly as this process received it (order, duplicates, raw bytes). */
export function startingEnviron(env: NodeJS.ProcessEnv, readList: ProcListReader = readProcList): string[] {
  const fromNode = (): string[] => Object.entries(env).map(([name, value]) => byteString(`${name}=${value ?? ''}`));
  return readList('environ') ?? fromNode();
}

/**
 * PATH's bytes, as getenv would give them: Node's view, unless decoding it as UTF-8 lost
 * something; then the first PATH entry of the environment as received.
 */
export function startingPath(
  env: NodeJS.ProcessEnv,
  environ: readonly string[] | undefined,
  readList: ProcListReader = readProcList,
): string | undefined {
  const path = env['PATH'];
  if (path === undefined) return undefined;
  if (!path.includes('\ufffd')) return byteString(path);
  return envValue(environ ?? startingEnviron(env, readList), 'PATH');
}
