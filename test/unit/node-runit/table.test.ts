// The ls table's cells and the /proc process-tree figures (issue 21).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { ProcSnapshot, parseProcStat } from '../../../src/node-runit/proc-usage.js';
import type { ServiceView } from '../../../src/node-runit/services.js';
import { formatBytes, formatDuration, formatExit, formatTable } from '../../../src/node-runit/table.js';

test('durations, sizes and exits as a person reads them', () => {
  assert.deepEqual([0, 59, 60, 192, 3600, 7500, 86400 * 3 + 3600 * 4].map(formatDuration), ['0s', '59s', '1m00s', '3m12s', '1h00m', '2h05m', '3d04h']);
  assert.deepEqual([512, 12_595, 47_815_065].map(formatBytes), ['512B', '12.3K', '45.6M']);
  assert.equal(formatExit(3, 0), 'exit 3');
  assert.equal(formatExit(null, 9), 'SIGKILL');
});

const base: ServiceView = { name: 'web', dir: '/s/web', state: 'run', pid: 42, uptime: 75, want: 'up', normallyUp: true, isPaused: false };

test('colour only when asked; a crash loop is red and said in words', () => {
  const crashing: ServiceView = {
    ...base,
    name: 'bad',
    state: 'down',
    pid: 0,
    uptime: 0,
    stats: { version: 1, pid: 0, supervisorSince: 0, restarts: 7, totalStarts: 8, shortRuns: 7, isCrashLoop: true, lastExit: { code: 1, signal: 0, at: 10_000, runMillis: 3 } },
  };
  const plain = formatTable([base, crashing], { isColour: false, nowMillis: 15_000 });
  assert.equal(
    plain,
    [
      'NAME  STATE             PID  UPTIME  RESTARTS  LAST EXIT       CPU  MEM',
      'web   run               42   1m15s   -         -               -    -',
      'bad   down, crash loop  -    0s      7         exit 1, 5s ago  -    -',
      '',
    ].join('\n'),
  );
  const coloured = formatTable([base, crashing], { isColour: true, nowMillis: 15_000 });
  assert.match(coloured, /\x1b\[32mrun/);
  assert.match(coloured, /\x1b\[31mdown, crash loop/);
});

test('/proc: a process tree counts its children, and a stat line with spaces and parens parses', async (t) => {
  assert.deepEqual(parseProcStat('12 (a b) c) S 7 12 12 0 -1 0 0 0 0 0 150 50 0 0 20 0 1 0 5 100 33 0'), { ppid: 7, ticks: 200, rssPages: 33 });
  const child = spawn('/bin/sh', ['-c', 'sleep 1000 & exec sleep 1001'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  let usage;
  for (let i = 0; i < 200 && (usage?.pids.length ?? 0) < 2; i++) {
    usage = new ProcSnapshot().usageOf(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(usage?.pids[0], child.pid);
  assert.equal(usage?.pids.length, 2, 'the shell became sleep 1001, with its sleep 1000 below');
  assert.ok(usage!.memoryBytes > 0);
  for (const pid of usage!.pids.slice(1)) process.kill(pid, 'SIGKILL');
  assert.equal(new ProcSnapshot().usageOf(999_999_999), undefined);
});
