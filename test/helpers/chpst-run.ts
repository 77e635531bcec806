/**
 * Side-by-side runs of real runit's chpst and ours under any personality name (CHP-1): both are
 * reached through a symlink named NAME in a scratch directory, since the name picks the
 * personality (and /usr/bin/envdir etc. are daemontools', not runit's).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { realBin } from './binaries.js';
import { installedBin } from './installed-bin.js';

export const NAMES = ['chpst', 'envdir', 'envuidgid', 'pgrphack', 'setuidgid', 'softlimit', 'setlock', 'dsetlock', 'denvdir', 'dchpst'];

export type Side = 'real' | 'ours';

export interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Byte strings (latin1), so any byte difference shows. */
  stdout: string;
  stderr: string;
}

/** Node must be found through PATH by our bins' `#!/usr/bin/env node`; both sides get the same. */
export const TEST_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
export const TEST_ENV: Record<string, string> = { PATH: TEST_PATH, LANG: 'C', HOME: '/root' };

export class ChpstPair {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'node-runit-chpst-'));
    chmodSync(this.dir, 0o755); // reachable once a test has dropped to nobody
    for (const side of ['real', 'ours'] as const) {
      mkdirSync(join(this.dir, side));
      for (const name of NAMES) symlinkSync(side === 'real' ? realBin('chpst') : installedBin('chpst'), join(this.dir, side, name));
    }
  }

  path(side: Side, name = 'chpst'): string {
    return join(this.dir, side, name);
  }

  run(side: Side, name: string, args: readonly string[], options: SpawnSyncOptions = {}): Outcome {
    const result = spawnSync(this.path(side, name), args, {
      env: TEST_ENV,
      timeout: 20_000,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    if (result.error !== undefined) throw result.error;
    return {
      status: result.status,
      signal: result.signal,
      stdout: result.stdout?.toString('latin1') ?? '',
      stderr: result.stderr?.toString('latin1') ?? '',
    };
  }

  /** Runs both sides with the same arguments and options. */
  both(name: string, args: readonly string[], options: SpawnSyncOptions = {}): { real: Outcome; ours: Outcome } {
    return { real: this.run('real', name, args, options), ours: this.run('ours', name, args, options) };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
