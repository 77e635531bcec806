// ServiceBuilder without processes: validation before any write, rendered scripts and config,
// flavour spellings, and the atomic write.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunitError } from '../../../src/errors.js';
import { ServiceBuilder, type ServiceFiles } from '../../../src/index.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function fileText(files: ServiceFiles, path: string): string | undefined {
  const file = files.files.find((f) => f.path === path);
  return file === undefined ? undefined : Buffer.from(file.data).toString('latin1');
}

const isInvalid = { name: 'RunitError', code: 'ERR_INVALID' };

test('invalid input is refused with ERR_INVALID before anything is written', async (t) => {
  const parent = join(makeTempDir(t), 'sv');
  const cases: Array<[string, (b: ServiceBuilder) => ServiceBuilder]> = [
    ['no command', (b) => b],
    ['empty command', (b) => b.command([])],
    ['empty program', (b) => b.command([''])],
    ['NUL in an argument', (b) => b.command(['echo', 'a\0b'])],
    ['env name with =', (b) => b.command(['x']).env('A=B', '1')],
    ['env name with a dot', (b) => b.command(['x']).env('.hidden', '1')],
    ['env name with a digit first', (b) => b.command(['x']).env('1A', '1')],
    ['env value envdir would strip', (b) => b.command(['x']).env('A', 'trailing ')],
    ['relative log dir', (b) => b.command(['x']).log({ dir: 'var/log/x' })],
    ['log size not an integer', (b) => b.command(['x']).log({ size: 1.5 })],
    ['negative count', (b) => b.command(['x']).log({ count: -1 })],
    ['prefix with a newline', (b) => b.command(['x']).log({ prefix: 'a\nb' })],
    ['umask out of range', (b) => b.command(['x']).umask(0o1000)],
    ['user with a colon', (b) => b.command(['x']).user('a:b')],
    ['relative root', (b) => b.command(['x']).process({ root: 'jail' })],
    ['empty finish', (b) => b.command(['x']).finish([])],
  ];
  for (const [what, configure] of cases) {
    await assert.rejects(configure(new ServiceBuilder('svc', parent)).build(), isInvalid, what);
  }
  for (const name of ['', '.hidden', 'a/b', 'line\nbreak']) {
    await assert.rejects(new ServiceBuilder(name, parent).command(['x']).build(), isInvalid, `name ${JSON.stringify(name)}`);
  }
  assert.equal(existsSync(parent), false, 'nothing was written, not even the parent');
});

test('flavours refuse what their tools cannot do', () => {
  const parent = '/nonexistent';
  const daemontools = () => ServiceBuilder.daemontools('svc', parent).command(['x']);
  const s6 = () => ServiceBuilder.s6('svc', parent).command(['x']);
  for (const builder of [daemontools(), s6()]) {
    assert.throws(() => builder.user('a', 'b').render(), isInvalid, 'group');
  }
  assert.throws(() => daemontools().process({ root: '/jail' }).render(), isInvalid);
  assert.throws(() => daemontools().finish(['true']).render(), isInvalid, 'supervise 0.76 runs no finish');
  assert.throws(() => daemontools().log({ timestamps: 'iso' }).render(), isInvalid);
  assert.throws(() => daemontools().log({ size: 100 }).render(), isInvalid, 'multilog minimum size');
  assert.throws(() => daemontools().log({ count: 1 }).render(), isInvalid);
  assert.throws(() => s6().log({ prefix: 'x' }).render(), isInvalid);
  assert.throws(() => s6().log({ timestamps: 'human' }).render(), isInvalid);
  assert.throws(() => s6().log({ maxAge: 60 }).render(), isInvalid);
  assert.doesNotThrow(() => ServiceBuilder.runit('svc', parent).command(['x']).user('a', 'b').log({ prefix: 'x', maxAge: 60 }).render());
});

test('runit: svlogd settings go into the log dir config, never into its arguments', () => {
  const files = ServiceBuilder.runit('web', '/srv')
    .command(['node', 'server.js', '--port', '8080'])
    .log({ timestamps: 'human', prefix: 'web: ', size: 4096, count: 5, minCount: 2, maxAge: 3600, processor: 'gzip', config: ['-*debug*'] })
    .render();
  assert.equal(fileText(files, 'log/run'), "#!/bin/sh\n# log/run: written by node-runit's ServiceBuilder (runit flavour)\nexec svlogd -tt ./main\n");
  assert.equal(fileText(files, 'log/main/config'), 's4096\nn5\nN2\nt3600\n!gzip\npweb: \n-*debug*\n');
  assert.deepEqual(files.dirs, ['log', 'log/main']);
  assert.match(fileText(files, 'run')!, /^exec 2>&1\nexec node server\.js --port 8080\n$/m);
});

test('runit: env through env/ and chpst -e, group as -u user:group, limits, cwd keeps the env dir', () => {
  const files = ServiceBuilder.runit('app', '/srv')
    .command(['app'])
    .cwd('/var/lib/app')
    .umask(0o27)
    .env('B', 'two\nlines')
    .env('A', '')
    .user('app', 'staff')
    .process({ nice: 5, limits: { openFiles: 1024, memory: 1e8 } })
    .tool('chpst', '/opt/bin/chpst')
    .render();
  const run = fileText(files, 'run')!;
  assert.match(run, /\numask 0027\nservice_dir=\$PWD\ncd \/var\/lib\/app \|\| exit 111\n/);
  assert.match(run, /\nexec \/opt\/bin\/chpst -e "\$service_dir"\/env -u app:staff -n 5 -m 100000000 -o 1024 app\n$/);
  assert.equal(fileText(files, 'env/A'), '\n');
  assert.equal(fileText(files, 'env/B'), 'two\0lines\n');
  assert.deepEqual(
    files.files.map((f) => f.path),
    ['run', 'env/A', 'env/B'],
  );
});

test('daemontools and s6: their own tool names, logger settings as arguments', () => {
  const configure = (b: ServiceBuilder) =>
    b.command(['app', 'a b']).env('X', '1').user('app').process({ nice: 3, limits: { memory: 5000000 } }).log({ timestamps: 'tai64n', size: 8192, count: 3, user: 'log' });
  const d = configure(ServiceBuilder.daemontools('app', '/srv')).render();
  assert.match(fileText(d, 'run')!, /\nexec envdir \.\/env nice -n 3 setuidgid app softlimit -m 5000000 app 'a b'\n$/);
  assert.match(fileText(d, 'log/run')!, /\nexec setuidgid log multilog t s8192 n3 \.\/main\n$/);
  const s = configure(ServiceBuilder.s6('app', '/srv')).render();
  assert.match(fileText(s, 'run')!, /\nexec s6-envdir \.\/env nice -n 3 s6-setuidgid app s6-softlimit -m 5000000 app 'a b'\n$/);
  assert.match(fileText(s, 'log/run')!, /\nexec s6-setuidgid log s6-log t s8192 n3 \.\/main\n$/);
  assert.equal(fileText(s, 'log/main/config'), undefined);
});

test('build writes modes and files, refuses to overwrite, and leaves no temp dir', async (t) => {
  const parent = makeTempDir(t);
  const builder = ServiceBuilder.runit('svc', parent).command(['sleep', '1']).finish(['true']).down().env('A', 'x').log({ size: 5000 });
  const dir = await builder.build();
  assert.equal(dir, join(parent, 'svc'));
  assert.equal(statSync(dir).mode & 0o777, 0o755);
  assert.equal(statSync(join(dir, 'run')).mode & 0o777, 0o755);
  assert.equal(statSync(join(dir, 'finish')).mode & 0o777, 0o755);
  assert.equal(statSync(join(dir, 'log/run')).mode & 0o777, 0o755);
  assert.equal(readFileSync(join(dir, 'down'), 'utf8'), '');
  assert.equal(readFileSync(join(dir, 'log/main/config'), 'utf8'), 's5000\n');
  await assert.rejects(builder.build(), { name: 'RunitError', code: 'ERR_EXISTS' });
  mkdirSync(join(parent, 'empty'));
  await assert.rejects(ServiceBuilder.runit('empty', parent).command(['x']).build(), (e) => e instanceof RunitError && e.code === 'ERR_EXISTS');
  assert.deepEqual(readdirSync(parent).sort(), ['empty', 'svc']);
});

test('an absolute log dir gets the config where svlogd will read it', async (t) => {
  const root = makeTempDir(t);
  const logDir = join(root, 'var/log/web');
  const dir = await ServiceBuilder.runit('web', join(root, 'sv')).command(['x']).log({ dir: logDir, count: 3 }).build();
  assert.equal(readFileSync(join(logDir, 'config'), 'utf8'), 'n3\n');
  assert.equal(existsSync(join(dir, 'log/main')), false);
  assert.match(readFileSync(join(dir, 'log/run'), 'utf8'), new RegExp(`exec svlogd ${logDir.replaceAll('/', '\\/')}\\n$`));
});

test('as root, the log directory belongs to the logger\'s account; an unknown account is refused first', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
  const parent = makeTempDir(t);
  const dir = await ServiceBuilder.runit('svc', parent).command(['x']).log({ user: 'nobody', size: 5000 }).build();
  assert.equal(statSync(join(dir, 'log/main')).uid, 65534);
  assert.equal(statSync(join(dir, 'log/main/config')).uid, 65534);
  assert.equal(statSync(join(dir, 'log')).uid, 0, 'log/ itself (and supervise/ in it) stay root\'s');
  await assert.rejects(ServiceBuilder.runit('other', parent).command(['x']).log({ user: 'no-such-user-here' }).build(), isInvalid);
  assert.deepEqual(readdirSync(parent), ['svc']);
});

test('an account that does not exist is refused at build time, for the service and its logger alike (issue 17)', async (t) => {
  const parent = makeTempDir(t);
  const missing = 'no-such-user-here';
  const cases: Array<[string, ServiceBuilder]> = [
    ['user', ServiceBuilder.runit('a', parent).command(['x']).user(missing)],
    ['user of s6', ServiceBuilder.s6('b', parent).command(['x']).user(missing)],
    ['group', ServiceBuilder.runit('c', parent).command(['x']).user('root', 'no-such-group-here')],
    ['log user', ServiceBuilder.runit('d', parent).command(['x']).log({ user: missing })],
  ];
  for (const [what, builder] of cases) {
    await assert.rejects(builder.build(), isInvalid, what);
    await assert.rejects(builder.stage(), isInvalid, `${what} (stage)`);
  }
  assert.deepEqual(readdirSync(parent), [], 'nothing written, no temp dir left');
  // Existing accounts pass; a chrooted service's user is looked up inside its root by chpst.
  await ServiceBuilder.runit('e', parent).command(['x']).user('nobody').log({ user: 'nobody' }).build();
  await ServiceBuilder.runit('f', parent).command(['x']).user(missing).process({ root: '/srv/jail' }).build();
});

test('extension files (docs/extensions.md): every one written, with the readiness ./check for runit', () => {
  const files = new ServiceBuilder('web', '/nonexistent')
    .command(['web'])
    .readiness('notification-fd', { fd: 4 })
    .timeoutKill(3000)
    .timeoutFinish(2000)
    .downSignal('SIGQUIT')
    .restartBackoff(100, 30000)
    .dependsOn('db', 'cache', 'db')
    .render();
  assert.equal(fileText(files, 'notification-fd'), '4\n');
  assert.equal(fileText(files, 'check'), '#!/bin/sh\nexec test -e supervise/ready\n');
  assert.equal(files.files.find((f) => f.path === 'check')?.mode, 0o755);
  assert.equal(fileText(files, 'timeout-kill'), '3000\n');
  assert.equal(fileText(files, 'timeout-finish'), '2000\n');
  assert.equal(fileText(files, 'down-signal'), 'SIGQUIT\n');
  assert.equal(fileText(files, 'restart-backoff'), '100 30000\n');
  assert.ok(files.dirs.includes('dependencies.d'));
  assert.deepEqual(files.files.filter((f) => f.path.startsWith('dependencies.d/')).map((f) => f.path), ['dependencies.d/cache', 'dependencies.d/db']);
  const socket = new ServiceBuilder('api', '/nonexistent').command(['api']).readiness('notify-socket', { check: false }).watchdog(5000).render();
  assert.equal(fileText(socket, 'notify-socket'), '');
  assert.equal(fileText(socket, 'watchdog'), '5000\n');
  assert.equal(fileText(socket, 'check'), undefined);
  const plain = new ServiceBuilder('plain', '/nonexistent').command(['x']).render();
  assert.deepEqual(plain.files.map((f) => f.path), ['run'], 'nothing beyond runit unless asked');
});

test('extension files: flavours refuse what their supervisor does not read', () => {
  const s6 = () => ServiceBuilder.s6('svc', '/nonexistent').command(['x']);
  const daemontools = () => ServiceBuilder.daemontools('svc', '/nonexistent').command(['x']);
  assert.equal(fileText(s6().readiness('notification-fd').timeoutKill(10).downSignal('HUP').render(), 'notification-fd'), '3\n');
  assert.throws(() => s6().readiness('notify-socket').render(), isInvalid);
  assert.throws(() => s6().restartBackoff(100).render(), isInvalid);
  assert.throws(() => s6().dependsOn('db').render(), isInvalid);
  assert.throws(() => daemontools().timeoutKill(100).render(), isInvalid);
  const runit = () => ServiceBuilder.runit('svc', '/nonexistent').command(['x']);
  assert.throws(() => runit().readiness('notification-fd', { fd: 2 }).render(), isInvalid);
  assert.throws(() => runit().downSignal('SIGNOPE').render(), isInvalid);
  assert.throws(() => runit().restartBackoff(500, 100).render(), isInvalid);
  assert.throws(() => runit().timeoutKill(-1).render(), isInvalid);
  assert.throws(() => runit().watchdog(1000).render(), isInvalid, 'a watchdog without notify-socket');
  assert.throws(() => runit().dependsOn('../x').render(), isInvalid);
});

test('listen and fdstore-max (issue 19): written as the supervisor reads them, bad input refused', () => {
  const files = ServiceBuilder.runit('web', '/nonexistent')
    .command(['web'])
    .readiness('notify-socket')
    .listen('tcp:127.0.0.1:8080 name=http')
    .listen('unix:/run/web.sock  0660')
    .fdstoreMax(8)
    .render();
  assert.equal(fileText(files, 'listen'), 'tcp:127.0.0.1:8080 name=http\nunix:/run/web.sock 0660\n');
  assert.equal(fileText(files, 'fdstore-max'), '8\n');
  const runit = () => ServiceBuilder.runit('svc', '/nonexistent').command(['x']);
  assert.throws(() => runit().listen('tcp:localhost:80').render(), isInvalid);
  assert.throws(() => runit().fdstoreMax(4).render(), isInvalid, 'an fd store without notify-socket');
  assert.throws(() => runit().readiness('notify-socket').fdstoreMax(-1).render(), isInvalid);
  assert.throws(() => ServiceBuilder.s6('svc', '/nonexistent').command(['x']).listen('tcp:127.0.0.1:80').render(), isInvalid);
});
