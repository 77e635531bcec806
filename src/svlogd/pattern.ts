/**
 * svlogd's pattern language and line selection (SVL-8). Patterns match the whole (replaced)
 * first part of a line, byte for byte: `*c` skips to the first `c`, a final `*` matches the
 * rest, `+c` matches a run of `c`s. There are no other metacharacters.
 */

/** One `+`/`-`/`e`/`E` line of a config file: its kind and the pattern bytes after it. */
export interface Instruction {
  kind: '+' | '-' | 'e' | 'E';
  pattern: Uint8Array;
}

const STAR = 0x2a;
const PLUS = 0x2b;

/** Whether `pattern` matches all of `line`. */
export function matchPattern(pattern: Uint8Array, line: Uint8Array): boolean {
  let p = 0;
  let s = 0;
  for (;;) {
    if (p === pattern.length) return s === line.length;
    const c = pattern[p++]!;
    if (c === STAR) {
      if (p === pattern.length) return true;
      // The character after `*` stays in the pattern: it is matched next as an ordinary one.
      const stop = pattern[p]!;
      const found = line.indexOf(stop, s);
      if (found === -1) return false;
      s = found;
    } else if (c === PLUS) {
      if (p === pattern.length || s === line.length || line[s] !== pattern[p]) return false;
      const run = pattern[p++]!;
      while (s < line.length && line[s] === run) s++;
      // runit declares a match once the line is used up, whatever the pattern still holds.
      if (s === line.length) return true;
    } else {
      if (s === line.length || line[s] !== c) return false;
      s++;
    }
  }
}

export interface Selection {
  /** Whether the line goes to the directory (and its UDP target). */
  isForDir: boolean;
  /** Whether the line is also copied to standard error. */
  isForStderr: boolean;
}

/** Applies every instruction in file order; the last match of each pair wins. */
export function selectLine(instructions: readonly Instruction[], line: Uint8Array): Selection {
  let isForDir = true;
  let isForStderr = false;
  for (const { kind, pattern } of instructions) {
    if (kind === '+' || kind === '-') {
      if (matchPattern(pattern, line)) isForDir = kind === '+';
    } else if (matchPattern(pattern, line)) {
      isForStderr = kind === 'e';
    }
  }
  return { isForDir, isForStderr };
}
