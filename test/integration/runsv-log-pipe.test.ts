// The log pipe belongs to runsv, not to either child (RSV-23): while the log service is
// restarted 20 times, every line the service wrote arrives exactly once. The logger reads the
// pipe a byte at a time (dash's read) and leaves after a few lines, so any loss or duplicate
// could only come from the pipe's owner. (A TERMed logger may lose what it had read: real
// svlogd does, SVL-11; that is the logger's business, not runsv's.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { NEEDS_RUNIT } from '../helpers/binaries.js';
import { startRunsv } from '../helpers/runsv-proc.js';
import { makeService, readText } from '../helpers/service-dir.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const RESTARTS = 20;
const LINES_PER_LOGGER = 35;
const LINES = LINES_PER_LOGGER * (RESTARTS + 2);

test('no line is lost or doubled while the log service restarts 20 times', { skip: NEEDS_RUNIT, timeout: 120_000 }, async (t) => {
  const root = makeTempDir(t);
  makeService(join(root, 'svc'), {
    run: [
      'i=0',
      `while [ $i -lt ${LINES} ]; do`,
      '  i=$((i+1)); echo "line $i"',
      '  if [ $((i % 5)) = 0 ]; then sleep 0.1; fi',
      'done',
      'echo "last $i"',
      'exec sleep 1000',
    ].join('\n'),
    log: {
      run: [
        'echo started >> ../../restarts',
        'n=0',
        `while [ $n -lt ${LINES_PER_LOGGER} ] && IFS= read -r line; do`,
        '  printf "%s\\n" "$line" >> ../../log.txt; n=$((n+1))',
        'done',
      ].join('\n'),
    },
  });
  await startRunsv(t, 'ours', root, 'svc');
  const last = await waitFor('the last line in the log', () => {
    const match = /^last (\d+)$/m.exec(readText(join(root, 'log.txt')) ?? '');
    return match ? Number(match[1]) : undefined;
  }, { timeout: 90_000 });
  const lines = (readText(join(root, 'log.txt')) ?? '').split('\n').filter((line) => line !== '');
  const numbers = lines.filter((line) => line.startsWith('line ')).map((line) => Number(line.slice(5)));
  assert.equal(last, LINES);
  assert.ok((readText(join(root, 'restarts'))?.split('\n').length ?? 0) > RESTARTS, `the log service restarted ${RESTARTS} times`);
  assert.equal(numbers.length, last, 'every line exactly once');
  numbers.forEach((n, index) => assert.equal(n, index + 1, 'in order, none missing'));
  assert.equal(lines.at(-1), `last ${last}`);
});
