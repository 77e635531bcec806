// Every program under examples/ runs to completion (exit 0) and prints what it promises.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';
import { startScanner } from '../helpers/scanner-proc.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXAMPLES: Array<[string, RegExp[]]> = [
  ['builder', [/== runit: .*\n[^]*exec svlogd -t \.\/main\n-- log\/main\/config\ns1000000\nn10\n/, /exec multilog t s1000000 n10 \.\/main/, /exec s6-log t/, /refused: ERR_INVALID: /]],
  ['basic', [/web: run \(pid \d+\)/, /web: down/, /web: run \(pid \d+\) again/]],
  ['manager', [/up: a b c\n/, /failed: ghost: ERR_NOT_SUPERVISED/, /down: a b c\n/]],
  ['watch', [/crasher: run pid \d+/, /crasher: (down|finish)/, /saw \d+ changes/]],
];

for (const [name, expected] of EXAMPLES) {
  const file = join(REPO_ROOT, 'dist/examples', `${name}.js`);
  test(`examples/${name}.ts`, { skip: existsSync(file) ? false : `${name}.ts is not on this branch yet`, timeout: 60_000 }, async (t) => {
    const dir = makeTempDir(t);
    // An example that hangs is killed at cleanup by pid, with everything it started.
    const proc = startScanner(t, process.execPath, [file, join(dir, 'tree')], (p) => void p.child.kill('SIGTERM'), { cwd: dir });
    const result = await proc.exited;
    assert.deepEqual(result, { code: 0, signal: null }, proc.stderr());
    for (const pattern of expected) assert.match(proc.stdout(), pattern);
  });
}
