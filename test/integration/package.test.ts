// What npm ships and installs (issue 17): the tarball `npm pack` makes, installed into an empty
// prefix as a user would, runs every command and the library; the README's links land on files
// the package has.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';
import { packedFiles, packInto } from '../helpers/packed.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const MANIFEST = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

test('every command in package.json bin is a file the packed package contains, executable', () => {
  // `npm pack` leaves symlinks out of the tarball, so every bin must name a regular file (bin/envdir
  // and the other personalities are symlinks to chpst in the repository, for running from a clone).
  const files = new Map(packedFiles().map((file) => [file.path, file.mode]));
  for (const [command, target] of Object.entries(MANIFEST.bin)) {
    const mode = files.get(target.replace(/^\.\//, ''));
    assert.notEqual(mode, undefined, `${command}: ${target} is not in the package`);
    assert.equal(mode! & 0o111, 0o111, `${command}: ${target} is not executable`);
  }
});

test('npm pack builds first: a fresh clone has no dist/ to pack', () => {
  assert.match(MANIFEST.scripts['prepack'] ?? '', /^npm run build$/);
  const paths = packedFiles().map((file) => file.path);
  for (const needed of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/bundle/sv.cjs', 'dist/bundle/chpst.cjs', 'docs/index.md']) {
    assert.ok(paths.includes(needed), `${needed} is not packed`);
  }
  assert.ok(!paths.some((path) => path.startsWith('dist/test/')), 'the tests are not shipped');
});

test('every relative link in the packed Markdown lands on a packed file (npm shows README.md)', () => {
  const paths = packedFiles().map((file) => file.path);
  const dead: string[] = [];
  for (const page of paths.filter((path) => path.endsWith('.md'))) {
    const text = readFileSync(join(REPO_ROOT, page), 'utf8');
    for (const [, link] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(link!)) continue; // absolute: http(s), mailto
      const target = normalize(join(dirname(page), link!)).replace(/\/$/, '');
      if (!paths.some((path) => path === target || path.startsWith(`${target}/`))) dead.push(`${page}: ${link}`);
    }
  }
  assert.deepEqual(dead, []);
});

/** Runs as the user would, with the Node that runs the tests first on PATH (`#!/usr/bin/env node`). */
function run(file: string, args: readonly string[], cwd: string, input = ''): string {
  return execFileSync(file, args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
    timeout: 60_000,
  });
}

// The library from the installed package: a tree whose service ServiceBuilder wrote (its run
// script uses the installed chpst for -e), supervised by the installed runsvdir --in-process.
const LIBRARY_SCRIPT = `
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client, DevTree } from 'node-runit';
const tree = new DevTree(process.argv[2]);
await tree.ensure();
await tree.service('hello').command(['sh', '-c', 'echo "$GREETING" > greeting; exec sleep 1000']).env('GREETING', 'hi').build();
await tree.enable('hello');
await tree.startRunsvdir();
try {
  const client = new Client(tree.enabledDir + '/hello');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await client.status().catch(() => undefined);
    // Running, and past the line that writes its greeting.
    if (status?.state === 'run' && existsSync(tree.enabledDir + '/hello/greeting')) break;
    if (Date.now() > deadline) throw new Error('hello never ran');
    await new Promise((done) => setTimeout(done, 50));
  }
  // The installed sv, while the tree runs.
  process.stdout.write(execFileSync('node_modules/.bin/sv', ['status', tree.enabledDir + '/hello'], { encoding: 'utf8' }));
} finally {
  await tree.stopRunsvdir();
}
`;

test('packed, installed into an empty prefix: every command and the library run', { timeout: 180_000 }, (t) => {
  const root = makeTempDir(t, 'node-runit-npm-');
  const tarball = packInto(root);
  const prefix = join(root, 'prefix');
  // koffi is the only dependency: from npm's cache when it has it, else from the registry.
  run('npm', ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], root);
  const bins = join(prefix, 'node_modules', '.bin');
  for (const command of Object.keys(MANIFEST.bin)) {
    assert.equal(run(join(bins, command), ['--version'], root), `${command} (node-runit) ${MANIFEST.version}\n`, command);
  }
  // chpst, sv and svlogd doing their work, from the installed copy (bundles and koffi's addon).
  assert.equal(run(join(bins, 'chpst'), ['-u', 'nobody', 'id', '-un'], root), 'nobody\n');
  mkdirSync(join(root, 'log'));
  run(join(bins, 'svlogd'), ['log'], root, 'a line\n');
  assert.equal(readFileSync(join(root, 'log', 'current'), 'utf8'), 'a line\n');
  writeFileSync(join(prefix, 'library.mjs'), LIBRARY_SCRIPT);
  const status = run(process.execPath, [join(prefix, 'library.mjs'), join(root, 'tree')], prefix);
  assert.match(status, /^run: \S+\/hello: \(pid \d+\) \d+s/);
  const service = status.split(' ')[1]!.replace(/:$/, '');
  assert.equal(readFileSync(join(service, 'greeting'), 'utf8'), 'hi\n');
});
