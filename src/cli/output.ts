/**
 * The CLIs' only way to speak: one synchronous write per line, as runit does (GEN-1), so lines
 * from concurrent writers never interleave mid-line and nothing is lost on exit.
 */
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { encodeName } from '../sys/byte-names.js';

/**
 * Writes all of `text` to `fd`, retrying EAGAIN on a non-blocking descriptor. A name in the text
 * that is not UTF-8 is written as its own bytes (sys/byte-names.ts), as runit prints it.
 */
export function writeAll(fd: number, text: string | Uint8Array): void {
  let bytes = typeof text === 'string' ? encodeName(text) : text;
  while (bytes.length > 0) {
    try {
      const written = writeSync(fd, bytes);
      bytes = bytes.subarray(written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'EBADF') return;
      throw error;
    }
  }
}

export function writeStderr(text: string): void {
  writeAll(2, text);
}

export function writeStdout(text: string): void {
  writeAll(1, text);
}

/** `usage: NAME TAIL` + blank line (GEN-3). */
export function usageText(name: string, tail: string): string {
  return `usage: ${name} ${tail}\n\n`;
}

/** The basename of argv[0] as runit's getopt programs name themselves. */
export function programName(argv0: string): string {
  return basename(argv0);
}

/**
 * The path the program was run as. A `#!` script never sees the argv[0] typed: the kernel hands
 * the interpreter the script's path instead (`/usr/local/bin/runsv` for a plain `runsv`).
 */
export function invokedAs(): string {
  return process.env['NODE_RUNIT_ARGV0'] ?? process.argv[1] ?? 'node-runit';
}

/**
 * The name every program prints in its usage line: the plain name, as runit prints it when
 * called through PATH (GEN-3), the common case and what runit's check scripts compare.
 */
export function invokedName(): string {
  return programName(invokedAs());
}
