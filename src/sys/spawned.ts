/**
 * The pids of children spawned in this process whose spawner reaps them: libuv (spawnTracked)
 * or direct-spawn.ts. An init that reaps orphans (PID 1 or subreaper) must never waitpid() one
 * of these, or their exit would be lost (docs/runit.md, "PID-1 duties"). Every in-process spawn
 * goes through `spawnTracked` or `spawnDirect`.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { encodeName, hasRawBytes } from './byte-names.js';

const spawnedChildren = new Set<number>();

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const pid = child.pid;
  if (pid !== undefined) {
    spawnedChildren.add(pid);
    // 'exit' comes once; `on` spares the wrapper `once` would keep for the child's lifetime.
    child.on('exit', () => spawnedChildren.delete(pid));
  }
  return child;
}

/** A child direct-spawn.ts started and reaps: from its spawn until its exit is reported. */
export function noteSpawned(pid: number): void {
  spawnedChildren.add(pid);
}

export function noteReaped(pid: number): void {
  spawnedChildren.delete(pid);
}

/** Whether its spawner in this process (libuv or direct-spawn.ts) will reap this pid. */
export function isSpawnedChild(pid: number): boolean {
  return spawnedChildren.has(pid);
}

/**
 * Rebuilds each argument from printf %b escapes, enters the first, and execs the second with
 * the rest: sh is the one way to hand a child bytes that UTF-8 cannot carry.
 */
const EXEC_BYTES = [
  'd=$(printf %bx "$1"); cd "${d%x}" || exit 111; p=$2; shift 2',
  'for a; do shift; a=$(printf %bx "$a"); set -- "$@" "${a%x}"; done',
  'exec "$p" "$@"',
].join('\n');

/** A name string as printf %b text: ASCII, each byte >= 0x80 as \0ooo, `\` doubled. */
function printfEscaped(text: string): string {
  let out = '';
  for (const byte of encodeName(text)) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x80) out += `\\0${byte.toString(8)}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/**
 * spawnTracked() for names (sys/byte-names.ts): `args` and `cwd` reach the program as the bytes
 * they stand for. Node passes arguments and cwd as UTF-8, so when one of them is not, the
 * program is started through /bin/sh (one exec more; a program that cannot be found is then
 * sh's exit 127, not an 'error' event).
 */
export function spawnNames(command: string, args: readonly string[], options: SpawnOptions & { cwd: string }): ChildProcess {
  if (!hasRawBytes(options.cwd) && !args.some(hasRawBytes)) return spawnTracked(command, args, options);
  const escaped = [options.cwd, ...args].map(printfEscaped);
  // sh enters `cwd` from this process's own, as spawn would.
  const { cwd: _cwd, ...rest } = options;
  return spawnTracked('/bin/sh', ['-c', EXEC_BYTES, 'sh', escaped[0]!, command, ...escaped.slice(1)], rest);
}
