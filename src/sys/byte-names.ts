/**
 * File names and arguments are bytes; Node's strings are UTF-16 and its fs, argv and spawn speak
 * UTF-8, turning any byte that is not UTF-8 into U+FFFD, so the name no longer names the file.
 * Names are kept as strings the way Python keeps them (PEP 383, "surrogateescape"): valid UTF-8
 * decodes as usual, and each byte that does not decode becomes the lone surrogate U+DC00 + byte
 * (U+DC80..U+DCFF). Such a string is what it always was when the bytes are UTF-8 (a library user
 * passing 'café' is unaffected), it goes back to the exact bytes (encodeName), and JSON writes
 * the escapes as `\udcXX`, which Python's json + os.fsencode turn back into the bytes.
 * A lone surrogate has no UTF-8 form, so no real name is mistaken for an escape.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, openSync } from 'node:fs';

/** A lone low surrogate U+DC80..U+DCFF that stands for one raw byte (0x80..0xff). */
const ESCAPE = /[\udc80-\udcff]/;
/** A surrogate pair (a character beyond U+FFFF), or an escaped byte (group 1). */
const PAIR_OR_ESCAPE = /[\ud800-\udbff][\udc00-\udfff]|([\udc80-\udcff])/g;

/** Whether `text` carries bytes that are not UTF-8 (and so needs encodeName to reach the fs). */
export function hasRawBytes(text: string): boolean {
  return ESCAPE.test(text) && [...text.matchAll(PAIR_OR_ESCAPE)].some((match) => match[1] !== undefined);
}

/** Bytes as a name string: UTF-8, and U+DC00 + byte for each byte that does not decode. */
export function decodeName(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let text = '';
  let at = 0;
  while (at < bytes.length) {
    const length = utf8SequenceLength(bytes, at);
    if (length === 0) {
      text += String.fromCharCode(0xdc00 + bytes[at]!);
      at += 1;
    } else {
      text += Buffer.from(bytes.buffer, bytes.byteOffset + at, length).toString('utf8');
      at += length;
    }
  }
  return text;
}

/** The bytes a name string stands for (the inverse of decodeName). */
export function encodeName(text: string): Buffer {
  if (!hasRawBytes(text)) return Buffer.from(text);
  const parts: Buffer[] = [];
  let from = 0;
  for (const match of text.matchAll(PAIR_OR_ESCAPE)) {
    if (match[1] === undefined) continue;
    parts.push(Buffer.from(text.slice(from, match.index)), Buffer.of(match[1].charCodeAt(0) - 0xdc00));
    from = match.index + 1;
  }
  parts.push(Buffer.from(text.slice(from)));
  return Buffer.concat(parts);
}

/** A path for node:fs: the string itself, or its bytes when UTF-8 cannot carry them. */
export function fsPath(text: string): string | Buffer {
  return hasRawBytes(text) ? encodeName(text) : text;
}

/** The length of the well-formed UTF-8 sequence at `at` (RFC 3629), or 0 if there is none. */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead < 0x80) return 1;
  let length: number;
  let min = 0x80;
  let max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) min = 0xa0; // no overlong forms
    if (lead === 0xed) max = 0x9f; // no UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) min = 0x90;
    if (lead === 0xf4) max = 0x8f; // nothing beyond U+10FFFF
  } else return 0;
  if (at + length > bytes.length) return 0;
  const second = bytes[at + 1]!;
  if (second < min || second > max) return 0;
  for (let i = 2; i < length; i++) {
    const next = bytes[at + i]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

/** Linux's O_PATH (node:fs does not export it): a handle for *at() and chdir, no read access needed. */
const O_PATH = 0o10000000;

/**
 * chdir(2) to a name string. process.chdir takes UTF-8 only, so a name that is not goes through a
 * descriptor: opened O_PATH (which, like chdir, needs search permission on the way only), and
 * entered through /proc/self/fd/N, which checks search permission on the directory as chdir does.
 */
export function changeDir(path: string): void {
  if (!hasRawBytes(path)) return process.chdir(path);
  const fd = openSync(encodeName(path), O_PATH | constants.O_DIRECTORY);
  try {
    process.chdir(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}
