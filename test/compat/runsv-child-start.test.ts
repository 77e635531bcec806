// What ./run and ./finish inherit from runsv, and how their ends are told apart: ours (which starts
// them with posix_spawn, issue 22) against real runsv, side by side (RSV-17, RSV-19).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { IMPLS, startRunsv } from '../helpers/runsv-proc.js';
import { makeService } from '../helpers/service-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const OPTS = { skip: NEEDS_RUNIT, timeout: 60_000 };

/** Each run appends what it was given; the first exits 3, the second dies of TERM, the third sleeps. */
const RUN = [
  'n=$(($(cat ../runs 2>/dev/null || echo 0) + 1)); echo $n > ../runs',
  '{',
  '  echo "run $n: \\$0=$0 args=$# cwd=$(pwd)"',
  "  grep -E '^Sig(Blk|Ign):' /proc/self/status",
  '  for fd in 0 1 2; do printf "fd$fd=%s\\n" "$(readlink /proc/self/fd/$fd | sed \'s/:\\[.*//\')"; done',
  '  echo "end $n"',
  '} >> ../seen',
  '[ $n = 1 ] && exit 3',
  '[ $n = 2 ] && kill -TERM $$',
  'exec sleep 1000',
].join('\n');
const FINISH = 'echo "finish \\$0=$0 $*" >> ../seen';

test('./run and ./finish start with the same signals, descriptors, cwd and arguments as under runit', OPTS, async (t) => {
  const seen: Record<string, string> = {};
  for (const impl of IMPLS) {
    const root = makeTempDir(t);
    const dir = join(root, 'svc');
    makeService(dir, { run: RUN, finish: FINISH, log: { run: 'exec cat > /dev/null' } });
    await startRunsv(t, impl, dir, '.');
    const text = await waitFor(`${impl}: the third run`, () => {
      const content = readFileSync(join(root, 'seen'), 'utf8');
      return /^end 3$/m.test(content) && content;
    }, { timeout: 20_000 });
    seen[impl] = text.replaceAll(root, 'ROOT');
  }
  const expected = seen['real']!;
  // The ends told apart (RSV-19): exit 3, then death by TERM (15).
  assert.match(expected, /finish \$0=\.\/finish 3 0\n[^]*finish \$0=\.\/finish -1 15\n/);
  assert.match(expected, /SigIgn:\t0+\n/, 'runit leaves nothing ignored');
  assert.match(expected, /fd1=pipe\n/, 'stdout is the log pipe');
  assert.equal(seen['ours'], expected);
});

test('a ./run without #! fails to exec as under runit: no /bin/sh fallback (RSV-17)', OPTS, async (t) => {
  // libuv's spawn went through execvp, which runs such a file with /bin/sh; runsv's execve fails.
  for (const impl of IMPLS) {
    const root = makeTempDir(t);
    const dir = join(root, 'svc');
    makeService(dir);
    writeFileSync(join(dir, 'run'), `echo ran >> ${join(root, 'ran')}\nexec sleep 1000\n`);
    const runsv = await startRunsv(t, impl, dir, '.');
    await waitFor(`${impl}: the exec failure`, () => runsv.stderr().includes('\n'), { timeout: 20_000 });
    assert.equal(runsv.stderr().split('\n')[0], 'runsv .: fatal: unable to start ./run: exec format error', impl);
    assert.equal(existsSync(join(root, 'ran')), false, `${impl}: ./run ran`);
  }
});
