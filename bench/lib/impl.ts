/**
 * The implementation under test is a parameter of every scenario: a directory of programs that is
 * put first in PATH, so programs that find each other there (runsvdir finding runsv, a run script
 * calling chpst) stay within one implementation.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/binaries.js';

export type ImplName = 'ours' | 'runit';

export interface Impl {
  readonly name: ImplName;
  readonly binDir: string;
  /**
   * A small fixed environment: variables such as NODE_EXTRA_CA_CERTS (Node parses the bundle at
   * start-up) or a long PATH would otherwise be part of what is measured, on one side only.
   */
  readonly env: NodeJS.ProcessEnv;
  bin(program: string): string;
  /** Why `programs` cannot run on this side ("bin/sv not built yet"), or undefined. */
  whyNot(programs: readonly string[]): string | undefined;
}

const NODE_DIR = dirname(process.execPath);

function envFor(binDir: string): NodeJS.ProcessEnv {
  return { PATH: `${binDir}:${NODE_DIR}:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: 'C' };
}

function makeImpl(name: ImplName, binDir: string, isBuilt: (program: string) => boolean, missing: (program: string) => string): Impl {
  return {
    name,
    binDir,
    env: envFor(binDir),
    bin: (program) => join(binDir, program),
    whyNot(programs) {
      const absent = programs.find((program) => !isBuilt(program));
      return absent === undefined ? undefined : missing(absent);
    },
  };
}

/**
 * Our bins are shims over dist/: both must be there (a program not yet merged has neither).
 * NODE_RUNIT_BENCH_OURS names another built checkout to measure instead of this one.
 */
export const OURS_ROOT: string = process.env['NODE_RUNIT_BENCH_OURS'] ?? REPO_ROOT;
export const OURS: Impl = makeImpl(
  'ours',
  join(OURS_ROOT, 'bin'),
  (program) => existsSync(join(OURS_ROOT, 'bin', program)) && existsSync(join(OURS_ROOT, 'dist/src', program, 'cli.js')),
  (program) => `bin/${program} not built yet`,
);

export const RUNIT: Impl = makeImpl(
  'runit',
  '/usr/bin',
  (program) => existsSync(join('/usr/bin', program)),
  (program) => `real ${program} is not installed (apt-get install runit)`,
);

export const IMPLS: readonly Impl[] = [OURS, RUNIT];
