// Running svlogd (ours or runit's) on a fresh log dir and reading back what it left.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export interface Svlogd {
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  write(text: string | Buffer): Promise<void>;
  /** Closes stdin and waits for the exit. */
  finish(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `bin args...` in `cwd` with a pipe on stdin; killed at the end of the test. */
export function startSvlogd(
  t: { after(fn: () => void | Promise<void>): void },
  bin: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Svlogd {
  const child = spawn(bin, args, { cwd, stdio: ['pipe', 'ignore', 'pipe'], env });
  let err = '';
  child.stderr!.setEncoding('latin1').on('data', (s: string) => (err += s));
  child.stdin!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    exited,
    async write(text) {
      // A program that exits early (usage errors) closes the pipe: that is not the test's failure.
      if (child.stdin!.destroyed) return;
      if (!child.stdin!.write(text)) await Promise.race([once(child.stdin!, 'drain').catch(() => {}), exited]);
    },
    async finish() {
      child.stdin!.end();
      return exited;
    },
  };
}

/** Runs svlogd over `input` to the end; returns its exit and stderr. */
export async function runSvlogd(
  t: { after(fn: () => void | Promise<void>): void },
  bin: string,
  args: readonly string[],
  cwd: string,
  input: string | Buffer,
): Promise<{ code: number | null; stderr: string }> {
  const run = startSvlogd(t, bin, args, cwd);
  await run.write(input);
  const { code } = await run.finish();
  return { code, stderr: run.stderr() };
}

export const STAMP_PATTERNS: RegExp[] = [
  /@[0-9a-f]{24} /g,
  /\d{4}-\d\d-\d\d[_T]\d\d:\d\d:\d\d\.\d{5} /g,
];

/** Replaces timestamps (and the directory's rotated names) with fixed text. */
export function normalize(text: string): string {
  let out = text.replace(/@[0-9a-f]{24}\.([stu])/g, '@NAME.$1');
  for (const pattern of STAMP_PATTERNS) out = out.replace(pattern, 'STAMP ');
  return out;
}

export interface DirEntry {
  name: string;
  mode: string;
  content: string;
}

/** The directory's files in a comparable form: rotated files by age, names normalised. */
export function snapshot(dir: string): DirEntry[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = lstatSync(join(dir, name));
      return {
        name: normalize(name),
        mode: (st.mode & 0o7777).toString(8),
        content: st.isFile() ? normalize(readFileSync(join(dir, name), 'latin1')) : '<dir>',
      };
    });
}

/** A fresh `root/<side>/log` pair for a side-by-side run, with optional files in each. */
export function makeSides(root: string, files: Record<string, string | Buffer> = {}): { real: string; ours: string } {
  const sides = { real: join(root, 'real'), ours: join(root, 'ours') };
  for (const side of Object.values(sides)) {
    mkdirSync(join(side, 'log'), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(side, 'log', name), content);
    }
  }
  return sides;
}

/** Waits until `path` contains `text`. */
export async function waitForContent(path: string, text: string, timeout = 15_000): Promise<void> {
  await waitFor(`${text.trim()} in ${path}`, () => {
    try {
      return readFileSync(path, 'latin1').includes(text);
    } catch {
      return false;
    }
  }, { timeout });
}
