/**
 * Bundles the short-lived commands (chpst, sv) and the long-running programs (runsv, svlogd,
 * runsvdir, runit) into one CommonJS file each, after tsc, and makes a V8 code cache for each
 * (bin/NAME runs them).
 *
 * A short command's whole run is start-up. Node's ESM loader takes several ms to start, then
 * reads each module through the thread pool; one CJS file read synchronously skips all of that
 * (issue 6: chpst within 1.2x of `node -e 0`). A long-running program also keeps what the ESM
 * loader leaves behind, 1.5-2 MiB of heap a process (module records, the loader's own code;
 * issue 22, docs/performance.md), once per service and per log in runit's topology. The input is tsc's own output, so the bundle runs the code the tests
 * type-checked, not a second compile of it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const ENTRIES = {
  chpst: 'dist/src/chpst/cli.js',
  sv: 'dist/src/sv/cli.js',
  // Not short-lived, but runsvdir starts one per service: its start-up is paid N times (issue 22).
  runsv: 'dist/src/runsv/cli.js',
  svlogd: 'dist/src/svlogd/cli.js',
  runsvdir: 'dist/src/runsvdir/cli.js',
  runit: 'dist/src/runit/cli.js',
};

/**
 * Packages a bundle may import, dynamically only, because they are loaded only when asked:
 * pino for NODE_RUNIT_DIAGNOSTICS=json (src/cli/diagnostics.ts). The bins resolve them with
 * Node's resolver from the bundle's place; everything else they require is a node: builtin.
 */
const LOADED_WHEN_ASKED = ['pino'];

// The file is one function expression with CommonJS's module parameters, so a bin compiles the
// file's text exactly as it is and the code cache made here matches it byte for byte.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '})';

function fail(lines) {
  for (const line of lines) console.error(`bundle: ${line}`);
  process.exit(1);
}

/** The bundle as the bins compile it: its own text, under its own path. */
function compile(file, cachedData) {
  return new Script(readFileSync(file, 'utf8'), { filename: resolve(file), cachedData });
}

for (const [name, entry] of Object.entries(ENTRIES)) {
  const outfile = `dist/bundle/${name}.cjs`;
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: WRAPPER_HEAD },
    footer: { js: WRAPPER_TAIL },
    // The same meaning in CommonJS: the directory and file of the code that asks (the bundle).
    define: { 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
    external: ['koffi', ...LOADED_WHEN_ASKED],
    // import() of a package becomes a require(): a vm.Script has no dynamic import of its own.
    supported: { 'dynamic-import': false },
    metafile: true,
    logLevel: 'silent',
  });
  // Anything else in import.meta (its url) would be silently empty in a CJS bundle.
  const problems = [...result.errors, ...result.warnings].map(
    (p) => `${p.location === null ? '' : `${p.location.file}:${p.location.line}: `}${p.text}`,
  );
  // The bins' require gives builtins, and packages only for LOADED_WHEN_ASKED's dynamic imports.
  for (const input of Object.values(result.metafile.inputs)) {
    for (const { path, external, kind } of input.imports) {
      if (!external || path.startsWith('node:')) continue;
      if (kind === 'dynamic-import' && LOADED_WHEN_ASKED.includes(path)) continue;
      problems.push(`requires ${path}, which is not a node: builtin`);
    }
  }
  if (problems.length > 0) fail(problems.map((problem) => `${name}: ${problem}`));

  // Every function compiled now, not on first call, so the cache holds the ones a run will use.
  // V8 stamps a cache with its flags and refuses one made under other flags: restore them first.
  setFlagsFromString('--no-lazy');
  const script = compile(outfile);
  setFlagsFromString('--lazy');
  const cache = script.createCachedData();
  if (compile(outfile, cache).cachedDataRejected) fail([`${name}: V8 refuses the code cache it just made`]);
  writeFileSync(`dist/bundle/${name}.cache`, cache);
}
