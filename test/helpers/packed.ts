/**
 * The package as npm ships it: `npm pack` of the checkout. The tests run from dist/, which
 * `npm test` has just built, so they pack with --ignore-scripts: prepack's build would delete
 * the dist/ the running tests load (package.test.ts checks that prepack builds).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './binaries.js';

export interface PackedFile {
  path: string;
  mode: number;
}

function pack(args: readonly string[]): { filename: string; files: PackedFile[] } {
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(output) as [{ filename: string; files: PackedFile[] }])[0];
}

/** The files `npm pack` would put in the tarball. */
export function packedFiles(): PackedFile[] {
  return pack(['--dry-run']).files;
}

/** Packs the package into `dir`; returns the tarball's path. */
export function packInto(dir: string): string {
  return join(dir, pack(['--pack-destination', dir]).filename);
}
