/**
 * Side-by-side runs of real /usr/bin/sv and our bin/sv. State-changing commands need two
 * identical trees (one per sv), each with its own supervisors; the outputs are compared after
 * normalising what legitimately differs: pids, seconds and the temp root.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ourBin, realBin } from '../helpers/binaries.js';
import { type RunsvTree, startRunsvTree, type Supervisor } from '../helpers/runsv-tree.js';
import type { ServiceSpec } from '../helpers/service-dir.js';

export interface SvRun {
  stdout: string;
  stderr: string;
  code: number | null;
  millis: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run this path instead of the sv binary (an LSB symlink). */
  command?: string;
}

export function runSv(bin: string, args: readonly string[], options: RunOptions = {}): Promise<SvRun> {
  const started = performance.now();
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  return new Promise((resolve) => {
    execFile(options.command ?? bin, [...args], { cwd: options.cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ stdout, stderr, code, millis: performance.now() - started });
    });
  });
}

/** pids and seconds vary between runs; the two roots differ by name only. */
export function normalise(text: string, roots: readonly string[]): string {
  let out = text;
  for (const root of roots) out = out.split(root).join('ROOT');
  return out.replace(/\(pid \d+\)/g, '(pid N)').replace(/: \d+s/g, ': Ns').replace(/\) \d+s/g, ') Ns');
}

export interface Twins {
  real: RunsvTree;
  ours: RunsvTree;
  cleanup(): Promise<void>;
}

export async function startTwins(supervisor: Supervisor, services: Readonly<Record<string, ServiceSpec>>): Promise<Twins> {
  const [real, ours] = await Promise.all([startRunsvTree(supervisor, services), startRunsvTree(supervisor, services)]);
  return { real, ours, cleanup: async () => void (await Promise.all([real.cleanup(), ours.cleanup()])) };
}

/**
 * Runs `args` with real sv in the real twin and ours in our twin (cwd and SVDIR = the twin's
 * root unless given as functions of the root), asserts identical normalised output and exit code.
 */
export async function compareSv(
  twins: Twins,
  args: readonly string[] | ((root: string) => readonly string[]),
  options: {
    env?: (root: string) => Record<string, string | undefined>;
    cwd?: (root: string) => string;
    command?: (root: string, bin: string) => string;
  } = {},
): Promise<{ real: SvRun; ours: SvRun }> {
  const one = (tree: RunsvTree, bin: string): Promise<SvRun> => {
    const root = tree.root;
    const runOptions: RunOptions = {
      cwd: options.cwd?.(root) ?? root,
      env: options.env?.(root) ?? { SVDIR: root },
    };
    if (options.command !== undefined) runOptions.command = options.command(root, bin);
    return runSv(bin, typeof args === 'function' ? args(root) : args, runOptions);
  };
  const [real, ours] = await Promise.all([one(twins.real, realBin('sv')), one(twins.ours, ourBin('sv'))]);
  const roots = [twins.real.root, twins.ours.root];
  const label = typeof args === 'function' ? args('ROOT').join(' ') : args.join(' ');
  assert.equal(normalise(ours.stdout, roots), normalise(real.stdout, roots), `stdout of sv ${label}`);
  assert.equal(normalise(ours.stderr, roots), normalise(real.stderr, roots), `stderr of sv ${label}`);
  assert.equal(ours.code, real.code, `exit code of sv ${label}`);
  return { real, ours };
}
