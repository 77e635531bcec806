// What npm installs: `npm pack` leaves symlinks out of the tarball, so every command in
// package.json's bin must name a regular file the package ships (bin/envdir and the other
// personalities are symlinks to chpst in the repository, for running from a clone).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';

interface PackedFile {
  path: string;
  mode: number;
}

test('every command in package.json bin is a file the packed package contains, executable', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [packed] = JSON.parse(output) as [{ files: PackedFile[] }];
  const files = new Map(packed.files.map((file) => [file.path, file.mode]));
  for (const [command, target] of Object.entries(manifest.bin)) {
    const mode = files.get(target.replace(/^\.\//, ''));
    assert.notEqual(mode, undefined, `${command}: ${target} is not in the package`);
    assert.equal(mode! & 0o111, 0o111, `${command}: ${target} is not executable`);
  }
});
