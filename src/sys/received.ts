/**
 * The arguments as the bytes the caller passed. Node decodes argv as UTF-8, which turns any
 * other byte into U+FFFD; /proc/self/cmdline has the originals. chpst works on byte strings
 * (latin1, one char per byte); the other programs on name strings (byte-names.ts).
 */
import { decodeName } from './byte-names.js';
import { readBytes } from './read-bytes.js';

/** Reads a NUL-separated /proc/self file (`cmdline`, `environ`); undefined when unreadable. */
export type ProcListReader = (name: 'cmdline' | 'environ') => string[] | undefined;

/** Node's UTF-8-decoded view of a string, back as a byte string (latin1). */
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
 * The arguments as byte strings of the bytes the caller passed; Node's own view is the fallback
 * whenever the two do not line up.
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

/**
 * The arguments as name strings (byte-names.ts): what Node gave when it lost nothing, else the
 * bytes received, with each byte that is not UTF-8 kept as its escape.
 */
export function receivedArgs(args: readonly string[], readList: ProcListReader = readProcList): string[] {
  if (!args.some((arg) => arg.includes('\ufffd'))) return [...args];
  return rawArgs(args, readList).map((raw) => decodeName(Buffer.from(raw, 'latin1')));
}

/**
 * An environment variable as a name string: Node's value when it lost nothing, else the first
 * `NAME=` entry of the environment as received (what getenv returns), bytes kept.
 */
export function receivedEnv(env: NodeJS.ProcessEnv, name: string, readList: ProcListReader = readProcList): string | undefined {
  const value = env[name];
  if (value === undefined || !value.includes('\ufffd')) return value;
  const entry = readList('environ')?.find((item) => item.startsWith(`${name}=`));
  return entry === undefined ? value : decodeName(Buffer.from(entry.slice(name.length + 1), 'latin1'));
}
