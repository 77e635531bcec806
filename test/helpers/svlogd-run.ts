// Runs real and our svlogd the same way, and reads back what they left, for side-by-side tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ourBin, realBin } from './binaries.js';
import { spawnTracked, type Tracked } from './procs.js';

export type Flavour = 'real' | 'ours';
export const FLAVOURS: readonly Flavour[] = ['real', 'ours'];

type TestContext = { after(fn: () => void | Promise<void>): void };

/**
 * Starts svlogd with argv[0] = `svlogd` for both flavours and stdin as a pipe. A svlogd that
 * exits at once (no usable directory) closes the pipe early: that EPIPE is not a test failure.
 */
export function startSvlogd(t: TestContext, flavour: Flavour, args: readonly string[], cwd: string): Tracked {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NODE_RUNIT_ARGV0: 'svlogd' };
  const proc =
    flavour === 'real'
      ? spawnTracked(t, realBin('svlogd'), args, { cwd, env, argv0: 'svlogd', stdio: ['pipe', 'pipe', 'pipe'] })
      : spawnTracked(t, ourBin('svlogd'), args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  proc.child.stdin?.on('error', () => undefined);
  return proc;
}

export interface SvlogdRun {
  code: number | null;
  stderr: string;
}

/** Feeds `input` and closes stdin, then waits for the exit. */
export async function runSvlogd(
  t: TestContext,
  flavour: Flavour,
  args: readonly string[],
  cwd: string,
  input: string | Uint8Array = '',
): Promise<SvlogdRun> {
  const proc = startSvlogd(t, flavour, args, cwd);
  proc.child.stdin?.end(input);
  const { code } = await proc.exited;
  return { code, stderr: proc.stderr() };
}

/** TAI64N labels and -tt/-ttt stamps differ between runs; tests compare their shapes. */
export function normalize(text: string): string {
  return text
    .replace(/@4000[0-9a-f]{20}/g, '@TAI64N')
    .replace(/\d{4}-\d\d-\d\d([_T])\d\d:\d\d:\d\d\.\d{5}/g, 'DATE$1TIME');
}

export interface FileEntry {
  name: string;
  mode: string;
  content: string;
}

/** A log directory's files in name order (rotated names normalized), with modes and contents. */
export function readLogDir(dir: string): FileEntry[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const mode = (statSync(path).mode & 0o777).toString(8);
      return { name: normalize(name), mode, content: normalize(readFileSync(path, 'latin1')) };
    });
}
