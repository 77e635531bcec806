// bin/chpst, sv, runsv, svlogd, runsvdir and runit run one CommonJS bundle each, with a V8 code
// cache the build made (scripts/bundle.mjs). Issue 6's start-up goal rests on chpst's and sv's,
// issue 22's memory per process on the others, and an installed package ships only dist/bundle
// for them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const BUNDLED = ['chpst', 'sv', 'runsv', 'svlogd', 'runsvdir', 'runit'];
const BUNDLES = join(REPO_ROOT, 'dist', 'bundle');

for (const name of BUNDLED) {
  test(`${name}: this Node accepts the code cache the build made for the bundle`, () => {
    // Compiled as the bin compiles it: the file's own text.
    const file = join(BUNDLES, `${name}.cjs`);
    const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData: readFileSync(join(BUNDLES, `${name}.cache`)) });
    assert.equal(script.cachedDataRejected, false);
  });
}

test('the bundled commands share one loader: their bins differ only in the name', () => {
  const [first, ...others] = BUNDLED.map((name) => readFileSync(join(REPO_ROOT, 'bin', name), 'utf8').replaceAll(name, 'NAME'));
  for (const other of others) assert.equal(other, first);
});

/**
 * A package laid out as npm installs it, with bin/ and dist/bundle/ but no dist/src: anything
 * the bundles still took from the ESM build would be missing.
 */
function bundleOnlyPackage(t: Parameters<typeof makeTempDir>[0], modules: (dir: string) => void): string {
  const root = makeTempDir(t);
  mkdirSync(join(root, 'bin'));
  for (const file of ['package.json', ...BUNDLED]) copyFileSync(join(REPO_ROOT, 'bin', file), join(root, 'bin', file));
  cpSync(BUNDLES, join(root, 'dist', 'bundle'), { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  modules(join(root, 'node_modules'));
  return root;
}

function assertCommandsRun(root: string): void {
  const chpst = spawnSync(join(root, 'bin', 'chpst'), ['-u', 'nobody', 'id', '-u'], { encoding: 'utf8' });
  assert.equal(chpst.stderr, '');
  assert.equal(chpst.stdout, '65534\n');
  const sv = spawnSync(join(root, 'bin', 'sv'), ['status', join(root, 'nothing')], { encoding: 'utf8' });
  assert.equal(sv.status, 1);
  assert.match(sv.stdout, /^fail: .*nothing: unable to change to service directory: file does not exist\n$/);
  // runsv and svlogd load libc through koffi too: one logs a line into a directory under it.
  const service = join(root, 'service');
  mkdirSync(join(service, 'log'), { recursive: true });
  const svlogd = spawnSync(join(root, 'bin', 'svlogd'), [join(service, 'log')], { input: 'a line\n', encoding: 'utf8' });
  assert.equal(svlogd.stderr, '');
  assert.equal(svlogd.status, 0);
  assert.equal(readFileSync(join(service, 'log', 'current'), 'utf8'), 'a line\n');
  const runsv = spawnSync(join(root, 'bin', 'runsv'), [], { encoding: 'utf8' });
  assert.equal(runsv.status, 1);
  assert.match(runsv.stderr, /^usage: runsv dir\n/);
  const runsvdir = spawnSync(join(root, 'bin', 'runsvdir'), [], { encoding: 'utf8' });
  assert.equal(runsvdir.status, 1);
  assert.match(runsvdir.stderr, /^usage: runsvdir \[-P\] dir\n/);
  const runsvMissing = spawnSync(join(root, 'bin', 'runsv'), [join(root, 'nothing')], { encoding: 'utf8' });
  assert.equal(runsvMissing.stderr, `runsv ${join(root, 'nothing')}: fatal: unable to change to directory: file does not exist\n`);
  assert.equal(runsvMissing.status, 111);
}

test('the bundles run from an installed package that has no dist/src', (t) => {
  const root = bundleOnlyPackage(t, (modules) => symlinkSync(join(REPO_ROOT, 'node_modules', '@koromix'), join(modules, '@koromix')));
  assertCommandsRun(root);
});

test("without koffi's addon beside the package, the bundles load it through koffi's own entry", (t) => {
  // koffi resolves its addon from its real path, in the repository; the quick path finds nothing.
  const root = bundleOnlyPackage(t, (modules) => symlinkSync(join(REPO_ROOT, 'node_modules', 'koffi'), join(modules, 'koffi')));
  assertCommandsRun(root);
});

test('a code cache V8 refuses (another Node) costs only the compile: the commands still run', (t) => {
  const root = bundleOnlyPackage(t, (modules) => symlinkSync(join(REPO_ROOT, 'node_modules', '@koromix'), join(modules, '@koromix')));
  for (const name of BUNDLED) writeFileSync(join(root, 'dist', 'bundle', `${name}.cache`), 'not a code cache');
  assertCommandsRun(root);
});
