/**
 * svlogd's pattern language (SVL-8), matched against the whole first part of a line: an ordinary
 * byte matches itself; `*c` skips up to the first `c`; a final `*` matches the rest; `+c`
 * matches one or more `c`. runit's quirk is kept: once a `+c` run eats the end of the line, the
 * pattern matches whatever follows the run.
 */
const STAR = 0x2a;
const PLUS = 0x2b;

/** Whether `pattern` matches `line[start, start + length)`. */
export function matchPattern(pattern: Uint8Array, line: Uint8Array, start: number, length: number): boolean {
  let p = 0;
  let s = start;
  let left = length;
  for (;;) {
    const c = p < pattern.length ? pattern[p++]! : 0;
    if (c === 0) return left === 0;
    if (c === STAR) {
      const until = p < pattern.length ? pattern[p]! : 0;
      if (until === 0) return true;
      for (;;) {
        if (left === 0) return false;
        if (line[s] === until) break;
        s++;
        left--;
      }
      continue;
    }
    if (c === PLUS) {
      const repeated = p < pattern.length ? pattern[p++]! : 0;
      // runit compares one byte past the line here; we treat the end of the line as no match.
      if (left === 0 || line[s] !== repeated) return false;
      for (;;) {
        if (left === 0) return true;
        if (line[s] !== repeated) break;
        s++;
        left--;
      }
      continue;
    }
    if (left === 0 || line[s] !== c) return false;
    s++;
    left--;
  }
}
