// The container image (issue 17), built as docker/Dockerfile says from the tarball `npm pack`
// makes, without a Docker engine (test/helpers/dockerfile.ts: its COPY and RUN lines performed
// into an overlay root, its ENTRYPOINT run there as PID 1 of a PID namespace). `sv status`
// through the image's own sv, then `docker stop`'s TERM: the service's finish ran and the log
// service wrote the last lines before the init exited.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/binaries.js';
import { DockerfileBuild, isIgnored, parseDockerfile } from '../helpers/dockerfile.js';
import { packInto } from '../helpers/packed.js';
import { descendants, killPid } from '../helpers/procs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const DOCKERFILE = join(REPO_ROOT, 'docker', 'Dockerfile');

const CAN_BUILD =
  process.getuid?.() === 0 && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0
    ? false
    : 'needs root and unshare(1) (mount and PID namespaces)';

test('the Dockerfile is single-stage on a supported Debian-based official Node image', () => {
  const froms = parseDockerfile(readFileSync(DOCKERFILE, 'utf8')).filter((i) => i.keyword === 'FROM');
  assert.equal(froms.length, 1);
  // Node 22 (maintenance LTS) or 24 (active LTS), Debian (the image's scripts use /bin/sh and
  // coreutils, and koffi's prebuilt addon is glibc's).
  assert.match(froms[0]!.text, /^node:(22|24)(\.\d+)*-(bookworm|trixie)(-slim)?$/);
});

test('Dockerfile.dockerignore as Docker reads it: only the tarball and docker/ reach the build', () => {
  const patterns = readFileSync(`${DOCKERFILE}.dockerignore`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.equal(isIgnored('node_modules/koffi/index.js', patterns), true);
  assert.equal(isIgnored('dist', patterns), true);
  assert.equal(isIgnored('node-runit-0.1.0.tgz', patterns), false);
  assert.equal(isIgnored('docker/service/web/run', patterns), false);
});

test('the image, built from the packed package: runit as PID 1, sv status, an orderly stop', { skip: CAN_BUILD, timeout: 300_000 }, async (t) => {
  const root = makeTempDir(t, 'node-runit-image-');
  const packed = join(root, 'context');
  const build = new DockerfileBuild(join(root, 'layers'), process.execPath);
  mkdirSync(packed);
  packInto(packed);
  const image = build.build(DOCKERFILE, [packed, REPO_ROOT]);

  // The package npm installed is the tarball: its bundles (sv, chpst) and koffi are there.
  const installed = build.pathOf('/usr/local/lib/node_modules/node-runit');
  for (const file of ['dist/bundle/sv.cjs', 'dist/bundle/chpst.cjs', 'dist/src/runit/cli.js']) {
    assert.ok(existsSync(join(installed, file)), `${file} is installed`);
  }
  assert.ok(existsSync(build.pathOf('/usr/local/bin/sv')), 'sv is on the image PATH');

  const container = build.start();
  let output = '';
  container.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  container.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => container.on('exit', (code) => resolve(code)));
  t.after(async () => {
    for (const pid of descendants(container.pid!)) killPid(pid);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  });
  // PID 1 of the namespace, as the host sees it: unshare's child, once it has become runit.
  const init = await waitFor('the entrypoint to become the init', () => {
    const first = descendants(container.pid!)[0];
    if (first === undefined) return undefined;
    try {
      // `node .../bin/runit /etc/service`, or the title it sets; not yet the shell that chroots.
      const argv = readFileSync(`/proc/${first}/cmdline`, 'latin1').split('\0');
      return (argv[0] === 'node' && argv[1]?.endsWith('/runit')) || argv[0]!.startsWith('runit ') ? first : undefined;
    } catch {
      return undefined;
    }
  }, { timeout: 30_000 });

  const status = await waitFor('sv status: web and its log running', () => {
    const result = build.execIn(init, ['sv', 'status', '/etc/service/web']);
    return /^run: \/etc\/service\/web: \(pid \d+\) \d+s; run: log: \(pid \d+\) \d+s\n$/.test(result.stdout) ? result.stdout : undefined;
  }, { timeout: 60_000 });
  assert.ok(status.startsWith('run: '));
  const log = build.pathOf('/var/log/web/current');
  await waitFor('the web service to log it is listening', () => existsSync(log) && readFileSync(log, 'utf8').includes('web listening on :8080'), { timeout: 30_000 });

  // `docker stop`: the STOPSIGNAL to PID 1.
  process.kill(init, image.stopSignal);
  const code = await exited;
  assert.equal(code, 0, output);
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((line) => line.replace(/^\S+ /, ''));
  assert.ok(lines.includes('web got TERM, closing'), lines.join('\n'));
  assert.match(lines.at(-1)!, /^web stopped: exit=0 signal=/, 'finish ran, and its line is the log\'s last');
  assert.match(output, /stage 1: set-up done\n[^]*stage 3: services stopped/);
});
