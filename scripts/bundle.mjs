/**
 * Bundles the short-lived commands (chpst, sv) into one CommonJS file each, after tsc, and makes
 * a V8 code cache for each (bin/run-bundle.cjs runs them).
 *
 * Their whole run is start-up. Node's ESM loader takes several ms to start, then reads each
 * module through the thread pool; one CJS file read synchronously skips all of that (issue 6:
 * chpst within 1.2x of `node -e 0`). The input is tsc's own output, so the bundle runs the code
 * the tests type-checked, not a second compile of it.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { build } from 'esbuild';

const { cacheFile, compile } = createRequire(import.meta.url)('../bin/run-bundle.cjs');

const ENTRIES = {
  chpst: 'dist/src/chpst/cli.js',
  sv: 'dist/src/sv/cli.js',
};

function fail(lines) {
  for (const line of lines) console.error(`bundle: ${line}`);
  process.exit(1);
}

for (const [name, entry] of Object.entries(ENTRIES)) {
  const result = await build({
    entryPoints: [entry],
    outfile: `dist/bundle/${name}.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The same meaning in CommonJS: the directory and file of the code that asks (the bundle).
    define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    external: ['koffi'],
    logLevel: 'silent',
  });
  // Anything else in import.meta (its url) would be silently empty in a CJS bundle.
  const problems = [...result.errors, ...result.warnings];
  if (problems.length > 0) {
    fail(problems.map((p) => `${name}: ${p.location === null ? '' : `${p.location.file}:${p.location.line}: `}${p.text}`));
  }

  // Every function compiled now, not on first call, so the cache holds the ones a run will use.
  // V8 stamps a cache with its flags and refuses one made under other flags: restore them first.
  setFlagsFromString('--no-lazy');
  const { script } = compile(name);
  setFlagsFromString('--lazy');
  const cache = script.createCachedData();
  if (compile(name, cache).script.cachedDataRejected) fail([`${name}: V8 refuses the code cache it just made`]);
  writeFileSync(cacheFile(name), cache);
}
