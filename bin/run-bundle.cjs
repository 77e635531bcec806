'use strict';
/**
 * Runs a command from its CommonJS bundle in dist/bundle (scripts/bundle.mjs), with the V8 code
 * cache the build made for it. The cache saves compiling the bundle on every call, about 2 ms of
 * chpst's and sv's start-up (issue 6). A cache this V8 refuses (another Node version) costs only
 * the compile it was meant to save.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLES = join(__dirname, '..', 'dist', 'bundle');
// CommonJS's own wrapper: the bundle sees what it would see through require().
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n});';

function cacheFile(name) {
  return join(BUNDLES, `${name}.cache`);
}

/** The bundle compiled, with cachedData if given; the build calls this to make the cache. */
function compile(name, cachedData) {
  const filename = join(BUNDLES, `${name}.cjs`);
  return { script: new Script(HEAD + readFileSync(filename, 'utf8') + TAIL, { filename, cachedData }), filename };
}

function readCache(name) {
  try {
    return readFileSync(cacheFile(name));
  } catch {
    return undefined;
  }
}

/** The bundle's exports, as require() would return them. */
function load(name, cachedData = readCache(name)) {
  const { script, filename } = compile(name, cachedData);
  const module = { exports: {} };
  // Only builtins and koffi are required from a bundle; both resolve the same from bin/.
  script.runInThisContext()(module.exports, require, module, filename, BUNDLES);
  return module.exports;
}

module.exports = { cacheFile, compile, load };
