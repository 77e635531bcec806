/**
 * Our programs as another user reaches them. A service run as `nobody` (chpst -u, a logger's
 * account) execs bin/... by path, and a checkout inside a 0700 directory (a home directory, a
 * CI clone under `mktemp -d`) is closed to it: "unable to run: .../bin/sv: access denied". So
 * the tests that drop privileges run a copy of the package installed into a world-readable temp
 * prefix, made once per test process and removed when it exits.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './binaries.js';

/** What the installed programs load: their bins, both builds, and koffi with its addon. */
const PACKAGE_FILES = ['package.json', 'bin', 'dist/src', 'dist/bundle', 'node_modules/koffi', 'node_modules/@koromix'];

let prefix: string | undefined;

/** Opens `path` and everything below it to all users (a clone made under umask 077 is not). */
function openToAll(path: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openToAll(join(path, entry));
  } else {
    chmodSync(path, (stat.mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

function install(): string {
  const root = mkdtempSync(join(tmpdir(), 'node-runit-installed-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  for (const file of PACKAGE_FILES) {
    const from = join(REPO_ROOT, file);
    // @koromix is absent where koffi carries its addon itself; koffi then finds it on its own.
    if (!existsSync(from)) continue;
    // The checkout's node_modules may be a symlink into a closed directory: copy what it points at.
    cpSync(from, join(root, file), { recursive: true, dereference: true });
  }
  openToAll(root); // mkdtemp made it 0700
  return root;
}

/** The installed copy of `bin/<name>`, reachable by every user. */
export function installedBin(name: string): string {
  prefix ??= install();
  return join(prefix, 'bin', name);
}
