/**
 * Recognises a `log/run` that only runs svlogd on its standard input, so that a process which
 * runs many Supervisors can run that log service with the svlogd engine itself instead of a
 * Node process of its own (docs/runsvdir.md, "Log services in the one process"). Strict on
 * purpose: anything this does not understand word for word runs as a process, as before.
 *
 * Accepted: `#!/bin/sh` (or bash, dash; with `-e`), then only blank lines, comments,
 * `exec 2>&1`, `set -e`, `cd DIR`, `umask OCTAL`, and a last command `exec [chpst -u USER[:GROUP]] svlogd
 * [options] dir...` (chpst and svlogd bare or as absolute paths ending in their names), each
 * word literal or simply quoted: no variables, globs, pipes, redirections or other programs.
 */
import { parseSvlogdArgs, type SvlogdArgs } from '../svlogd/index.js';

export interface RecognisedLogRun {
  /** `cd DIR` before the exec, if any (relative to the log service's directory). */
  cwd: string | undefined;
  /** svlogd's arguments, as parsed by svlogd itself. */
  args: SvlogdArgs;
  /** `chpst -u`'s account, `USER` or `USER:GROUP`, when svlogd runs as another user. */
  user: string | undefined;
  /** The last `umask OCTAL` before the exec, if any: the umask svlogd would have run with. */
  umask: number | undefined;
}

const SHEBANG = /^#!\s*\/bin\/(?:sh|bash|dash)(?:\s+-e)?\s*$/;
/** A word with nothing the shell would expand or treat as syntax. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Splits a line into words; undefined when it holds anything but plain and simply quoted words. */
export function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  let index = 0;
  while (index < line.length) {
    const rest = line.slice(index);
    const space = /^[ \t]+/.exec(rest);
    if (space !== null) {
      index += space[0].length;
      continue;
    }
    let word = '';
    // A word may join plain runs and quoted parts without spaces between them (-t'x').
    while (index < line.length && line[index] !== ' ' && line[index] !== '\t') {
      const char = line[index]!;
      if (char === "'") {
        const end = line.indexOf("'", index + 1);
        if (end < 0) return undefined;
        word += line.slice(index + 1, end);
        index = end + 1;
      } else if (char === '"') {
        const end = line.indexOf('"', index + 1);
        if (end < 0) return undefined;
        const inner = line.slice(index + 1, end);
        if (/[$`\\!]/.test(inner)) return undefined;
        word += inner;
        index = end + 1;
      } else {
        const run = /^[^ \t'"]+/.exec(line.slice(index))![0];
        if (!PLAIN_WORD.test(run)) return undefined;
        word += run;
        index += run.length;
      }
    }
    words.push(word);
  }
  return words;
}

function isProgram(word: string | undefined, name: string): boolean {
  return word === name || (word !== undefined && word.startsWith('/') && word.endsWith(`/${name}`));
}

/** `chpst -u USER[:GROUP] svlogd ...` or `svlogd ...`: the user and svlogd's arguments. */
function svlogdCommand(words: readonly string[]): { user: string | undefined; args: string[] } | undefined {
  if (isProgram(words[0], 'svlogd')) return { user: undefined, args: words.slice(1) };
  if (!isProgram(words[0], 'chpst')) return undefined;
  let rest = words.slice(1);
  let user: string | undefined;
  if (rest[0] === '-u' && rest[1] !== undefined) {
    user = rest[1];
    rest = rest.slice(2);
  } else if (rest[0]?.startsWith('-u') === true && rest[0].length > 2) {
    user = rest[0].slice(2);
    rest = rest.slice(1);
  }
  // Only -u: any other chpst option changes what svlogd would do in ways the engine cannot.
  if (user === undefined || !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.][A-Za-z0-9_.-]*)?$/.test(user)) return undefined;
  if (!isProgram(rest[0], 'svlogd')) return undefined;
  return { user, args: rest.slice(1) };
}

export function recogniseLogRun(text: string): RecognisedLogRun | undefined {
  const lines = text.split('\n');
  if (!SHEBANG.test(lines[0] ?? '')) return undefined;
  let cwd: string | undefined;
  let umask: number | undefined;
  let exec: { user: string | undefined; args: string[] } | undefined;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (exec !== undefined) return undefined; // nothing may follow the exec
    if (/^exec\s+2>&1$/.test(line)) continue;
    const words = splitWords(line);
    if (words === undefined || words.length === 0) return undefined;
    if (words.length === 2 && words[0] === 'set' && words[1] === '-e') continue;
    // Octal only: a symbolic mask (u=rwx,...) is the shell's to work out.
    if (words[0] === 'umask' && words.length === 2 && /^[0-7]{1,4}$/.test(words[1]!)) {
      umask = parseInt(words[1]!, 8) & 0o777;
      continue;
    }
    if (words[0] === 'cd' && words.length === 2 && cwd === undefined) {
      cwd = words[1];
      continue;
    }
    if (words[0] === 'exec') {
      exec = svlogdCommand(words.slice(1));
      if (exec === undefined) return undefined;
      continue;
    }
    return undefined;
  }
  if (exec === undefined) return undefined;
  const parsed = parseSvlogdArgs(exec.args);
  // A usage error is svlogd's to print: the process reports it as runit's would.
  if (parsed.kind !== 'ok') return undefined;
  return { cwd, args: parsed.args, user: exec.user, umask };
}
