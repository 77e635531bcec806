// The extension files read at start-up (docs/extensions.md): their forms, and runit-style
// warnings for content that is ignored.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseNotifyDatagram } from '../../../src/runsv/notice.js';
import { PLAIN_RUNIT, parseSignal, readServiceOptions } from '../../../src/runsv/service-options.js';
import { formatBackoffFile, formatReadyFile, parseBackoffFile, parseReadyFile } from '../../../src/protocol/readiness.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

type Context = Parameters<typeof makeTempDir>[0];

function serviceWith(t: Context, files: Record<string, string>): string {
  const dir = makeTempDir(t, 'options-');
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) mkdirSync(join(dir, name), { recursive: true });
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

test('no extension file: exactly runit (the same object)', (t) => {
  const warnings: string[] = [];
  assert.equal(readServiceOptions(serviceWith(t, { run: '' }), (w) => warnings.push(w)), PLAIN_RUNIT);
  assert.deepEqual(warnings, []);
});

test('every file read in its s6 form', (t) => {
  const dir = serviceWith(t, {
    'notification-fd': '3\n',
    'notify-socket': '',
    watchdog: '5000\n',
    'timeout-kill': '1500\n',
    'timeout-finish': '2000',
    'down-signal': 'SIGQUIT\n',
    'restart-backoff': '100 30000\n',
    'dependencies.d/': '',
    'dependencies.d/db': '',
    'dependencies.d/.hidden': '',
  });
  const warnings: string[] = [];
  const options = readServiceOptions(dir, (w) => warnings.push(w));
  assert.deepEqual(warnings, []);
  assert.deepEqual(options, {
    notificationFd: 3,
    notifySocket: true,
    watchdog: 5000,
    timeoutKill: 1500,
    timeoutFinish: 2000,
    downSignal: 'SIGQUIT',
    restartBackoff: { first: 100, max: 30000 },
    dependencies: ['db'],
    listen: false,
    fdstoreMax: 0,
  });
});

test('listen and fdstore-max (issue 19): read, and a notification-fd among the passed fds ignored', (t) => {
  const warnings: string[] = [];
  const both = readServiceOptions(
    serviceWith(t, { listen: 'tcp:127.0.0.1:80\n\nunix:s\n', 'notify-socket': '', 'fdstore-max': '4\n', 'notification-fd': '8' }),
    (w) => warnings.push(w),
  );
  assert.equal(both.listen, true);
  assert.equal(both.fdstoreMax, 4);
  assert.equal(both.notificationFd, undefined);
  assert.deepEqual(warnings, ['notification-fd: 8 is among the descriptors passed as 3..8, ignored']);

  warnings.length = 0;
  const clear = readServiceOptions(serviceWith(t, { listen: 'tcp:127.0.0.1:80\n', 'notification-fd': '4' }), (w) => warnings.push(w));
  assert.deepEqual([clear.listen, clear.notificationFd, warnings], [true, 4, []]);

  warnings.length = 0;
  assert.equal(readServiceOptions(serviceWith(t, { 'fdstore-max': '2' }), (w) => warnings.push(w)), PLAIN_RUNIT);
  assert.equal(readServiceOptions(serviceWith(t, { 'fdstore-max': 'many', 'notify-socket': '' }), (w) => warnings.push(w)).fdstoreMax, 0);
  assert.deepEqual(warnings, ['fdstore-max: needs notify-socket, ignored', 'fdstore-max: not a number, ignored']);
});

test('FDSTORE=1, FDSTOREREMOVE=1 and FDNAME= are decoded', () => {
  assert.deepEqual(parseNotifyDatagram('FDSTORE=1\nFDNAME=conn'), { isFdStore: true, fdName: 'conn' });
  assert.deepEqual(parseNotifyDatagram('FDSTOREREMOVE=1\nFDNAME=conn'), { isFdStoreRemove: true, fdName: 'conn' });
  assert.deepEqual(parseNotifyDatagram('FDSTORE=0'), {});
});

test('bad content is reported and ignored', (t) => {
  const dir = serviceWith(t, {
    'notification-fd': '1\n',
    'timeout-kill': 'soon\n',
    watchdog: '1000\n',
    'down-signal': 'SIGNOPE\n',
    'restart-backoff': '500 100\n',
  });
  const warnings: string[] = [];
  assert.equal(readServiceOptions(dir, (w) => warnings.push(w)), PLAIN_RUNIT);
  assert.deepEqual(warnings, [
    'notification-fd: not a number >= 3, ignored',
    'timeout-kill: not a number of milliseconds, ignored',
    'watchdog: needs notify-socket, ignored',
    'down-signal: not a signal, ignored',
    'restart-backoff: not FIRST [MAX] milliseconds with 0 < FIRST <= MAX, ignored',
  ]);
});

test('signals as s6 takes them: with or without SIG, or a number', () => {
  assert.equal(parseSignal('QUIT'), 'SIGQUIT');
  assert.equal(parseSignal('sighup'), 'SIGHUP');
  assert.equal(parseSignal('15'), 'SIGTERM');
  assert.equal(parseSignal('bogus'), undefined);
});

test('sd_notify datagrams: known assignments, unknown ones ignored', () => {
  assert.deepEqual(parseNotifyDatagram('READY=1\nSTATUS=up and running\nX_FOO=1\nMAINPID=77'), {
    isReady: true,
    statusText: 'up and running',
    mainPid: 77,
  });
  assert.deepEqual(parseNotifyDatagram('RELOADING=1'), { isReloading: true });
  assert.deepEqual(parseNotifyDatagram('STOPPING=1\nWATCHDOG=1\nMAINPID=abc'), { isStopping: true, isWatchdogPing: true });
  assert.deepEqual(parseNotifyDatagram('WATCHDOG=trigger'), { isWatchdogTrigger: true });
});

test('ready and backoff files round-trip', () => {
  const stamp = { seconds: 1_795_436_320, nanoseconds: 123_456_000 };
  assert.match(formatReadyFile(stamp), /^@4[0-9a-f]{23}\n$/);
  assert.deepEqual(parseReadyFile(formatReadyFile(stamp)), stamp);
  const info = { restartAt: stamp, delay: 800, crashes: 4 };
  assert.deepEqual(parseBackoffFile(formatBackoffFile(info)), info);
  assert.equal(parseBackoffFile('junk'), undefined);
});
