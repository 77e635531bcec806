/** svlogd's input (1M lines of ~100 B) and the check that every byte came out in the log. */
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = ['supervise', 'runsv', 'svlogd', 'started', 'pid', 'status', 'control', 'rotate', 'current', 'lock'];

/** Writes `lines` deterministic lines of 90-110 bytes; returns their total size. */
export function writeInput(path: string, lines: number): number {
  const fd = openSync(path, 'w');
  let size = 0;
  try {
    let chunk: string[] = [];
    for (let i = 0; i < lines; i++) {
      let line = `${String(i).padStart(8, '0')} level=info`;
      const target = 90 + ((i * 7919) % 21);
      for (let w = i; line.length < target; w += 3) line += ` ${WORDS[w % WORDS.length]}=${w % 1000}`;
      chunk.push(line.slice(0, target), '\n');
      if (chunk.length >= 20_000) {
        size += writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    size += writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
  return size;
}

/** The log as written: rotated files (named by TAI64N, so in order by name), then current. */
function readLog(dir: string): { bytes: Buffer; files: number } {
  const rotated = readdirSync(dir)
    .filter((name) => /^@[0-9a-f]{24}\.[su]$/.test(name))
    .sort();
  const parts = [...rotated, 'current'].map((name) => readFileSync(join(dir, name)));
  return { bytes: Buffer.concat(parts), files: parts.length };
}

/** `-tt` puts `YYYY-MM-DD_HH:MM:SS.xxxxx ` (26 bytes) before every line; takes it off, checking its shape. */
function stripStamps(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    end = end === -1 ? bytes.length : end + 1;
    if (bytes[start + 4] !== 0x2d || bytes[start + 10] !== 0x5f || bytes[start + 19] !== 0x2e || bytes[start + 25] !== 0x20) {
      throw new Error(`no -tt time stamp at byte ${start}: ${JSON.stringify(bytes.subarray(start, start + 30).toString('latin1'))}`);
    }
    length += bytes.copy(out, length, start + 26, end);
    start = end;
  }
  return out.subarray(0, length);
}

/**
 * Throws unless the log holds the input exactly (or, with `keptFiles`, a line-aligned tail of it
 * in at most that many files: old files are deleted by design).
 */
export function verifyLog(dir: string, input: Buffer, isStamped: boolean, keptFiles?: number): void {
  const log = readLog(dir);
  const text = isStamped ? stripStamps(log.bytes) : log.bytes;
  if (keptFiles === undefined) {
    if (!text.equals(input)) throw new Error(`log in ${dir} differs from the input (${text.length} of ${input.length} bytes)`);
    return;
  }
  if (log.files > keptFiles) throw new Error(`${log.files} log files kept in ${dir}, at most ${keptFiles} expected`);
  if (log.files < 2) throw new Error(`no rotation happened in ${dir}`);
  const offset = input.length - text.length;
  if (offset < 0 || (offset > 0 && input[offset - 1] !== 10) || !input.subarray(offset).equals(text)) {
    throw new Error(`log in ${dir} is not the tail of the input (${text.length} bytes kept)`);
  }
}
