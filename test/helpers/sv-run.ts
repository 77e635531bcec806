import { execFileSync, spawn } from 'node:child_process';
import { waitFor } from './wait-for.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a short-lived command to completion without blocking the event loop. */
export function runCommand(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** sv's lines with the varying parts (pids, seconds) replaced, so two runs can be compared. */
export function normaliseSv(text: string): string {
  return text.replace(/\(pid \d+\)/g, '(pid N)').replace(/ \d+s\b/g, ' Ns');
}

/** The first line of real sv's status for a service directory (absolute path). */
export function svStatus(serviceDir: string, sv = '/usr/bin/sv'): string {
  try {
    return execFileSync(sv, ['status', serviceDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

export function svRun(args: string[], sv = '/usr/bin/sv'): string {
  try {
    return execFileSync(sv, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

export async function waitRunning(serviceDir: string, timeout = 15_000): Promise<number> {
  const line = await waitFor(`${serviceDir} to run`, () => /^run: [^:]+: \(pid (\d+)\)/.exec(svStatus(serviceDir)) ?? undefined, {
    timeout,
    interval: 50,
  });
  return Number(line[1]);
}
