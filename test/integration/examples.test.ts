// Every program under examples/ runs to completion (exit 0) and prints what it promises.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';
import { defer } from '../helpers/cleanup.js';
import { isAlive, killPid } from '../helpers/procs.js';
import { startScanner } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXAMPLES: Array<[string, RegExp[]]> = [
  ['builder', [/== runit: .*\n[^]*exec svlogd -t \.\/main\n-- log\/main\/config\ns1000000\nn10\n/, /exec multilog t s1000000 n10 \.\/main/, /exec s6-log t/, /refused: ERR_INVALID: /]],
  ['basic', [/web: run \(pid \d+\)/, /web: down/, /web: run \(pid \d+\) again/]],
  ['manager', [/up: a b c\n/, /failed: ghost: ERR_NOT_SUPERVISED/, /down: a b c\n/]],
  ['watch', [/crasher: run pid \d+/, /crasher: finish pid \d+/, /saw \d+ changes/]],
];

/** Live processes whose command line names `path` (an example's detached runsvdir would). */
function processesNaming(path: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(path) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

for (const [name, expected] of EXAMPLES) {
  const file = join(REPO_ROOT, 'dist/examples', `${name}.js`);
  test(`examples/${name}.ts`, { timeout: 60_000 }, async (t) => {
    const dir = makeTempDir(t);
    defer(t, () => processesNaming(dir).forEach((pid) => killPid(pid)));
    // An example that hangs is killed at cleanup by pid, with everything it started.
    const proc = startScanner(t, process.execPath, [file, join(dir, 'tree')], (p) => void p.child.kill('SIGTERM'), { cwd: dir });
    const result = await proc.exited;
    assert.deepEqual(result, { code: 0, signal: null }, proc.stderr());
    for (const pattern of expected) assert.match(proc.stdout(), pattern);
    assert.deepEqual(processesNaming(dir), [], 'the example stopped its runsvdir');
  });
}
