/**
 * Reading an envdir (CHP-6, CHP-15) into recorded environment changes, which apply.ts applies at
 * exec (CHP-22). Strings are byte strings (latin1), see options.ts.
 */
import { closeSync, constants, openSync, opendirSync } from 'node:fs';
import { chdir, fchdir } from '../sys/index.js';
import { readBytes } from '../sys/read-bytes.js';
import { ChpstFailure, attempt, bytes, type EnvChange } from './options.js';

/**
 * A file's content as envdir turns it into a value: undefined (unset) for an empty file; else the
 * first line, trailing blanks and tabs removed, NUL bytes turned into newlines.
 */
export function envFileValue(content: string): string | undefined {
  if (content.length === 0) return undefined;
  const newline = content.indexOf('\n');
  const line = (newline === -1 ? content : content.slice(0, newline)).replace(/[ \t]+$/, '');
  return line.replaceAll('\0', '\n');
}

/**
 * runit reads every file into one reused buffer and treats a file that vanished before it was
 * opened (ENOENT, e.g. a dangling symlink) as read with nothing new: the buffer still holds the
 * previous value plus its C terminator, so the name gets that value and a trailing newline.
 */
function readReused(name: string, held: string): string {
  try {
    return readBytes(bytes(name));
  } catch (error) {
    const { code, syscall } = error as { code?: unknown; syscall?: unknown };
    if (code === 'ENOENT' && syscall === 'open') return held;
    throw error;
  }
}

export interface EnvDirOptions {
  /** The envdir personality: a subdirectory is fatal. chpst -e: skipped (warned with -v). */
  isSubdirFatal: boolean;
  warn: ((line: string) => void) | undefined;
}

/**
 * Reads DIR in readdir order, from inside it (paths relative to the cwd at the time), and
 * returns to the starting directory by descriptor. Throws ChpstFailure with runit's words.
 */
export function readEnvDir(dir: string, options: EnvDirOptions): EnvChange[] {
  const start = attempt(() => openSync('.', constants.O_RDONLY | constants.O_NONBLOCK), 'unable to open current working directory: ');
  const changes: EnvChange[] = [];
  let held = '';
  try {
    attempt(() => chdir(dir), `unable to switch to directory: ${dir}: `);
    const handle = attempt(() => opendirSync('.', { encoding: 'latin1' as BufferEncoding }), `unable to open directory: ${dir}: `);
    try {
      for (;;) {
        const entry = attempt(() => handle.readSync(), `unable to read directory: ${dir}: `);
        if (entry === null) break;
        const name = entry.name;
        if (name.startsWith('.')) continue;
        let content: string;
        try {
          content = readReused(name, held);
        } catch (error) {
          held = '';
          const where = `unable to read ${dir}/${name}: `;
          if ((error as { code?: unknown }).code !== 'EISDIR' || options.isSubdirFatal) throw ChpstFailure.sys(where, error);
          options.warn?.(`chpst: warning: ${where}is a directory\n`);
          continue;
        }
        const value = envFileValue(content);
        held = value === undefined ? '' : `${value}\0`;
        changes.push(value === undefined ? name : `${name}=${value}`);
      }
    } finally {
      handle.closeSync();
    }
    attempt(() => fchdir(start), 'unable to switch to starting directory: ');
  } finally {
    closeSync(start);
  }
  return changes;
}
