// A manual measurement for issue 14, fault 2 (not a test): N services, each with an svlogd log
// service and a writer of numbered lines (10 a second), under our runsvdir --in-process; the
// host is killed with SIGKILL and started again. Prints what the figures in docs/runsvdir.md
// come from: instances after the restart, time to take every one over, fatal lines, the CPU and
// RSS of the new host, the orderly stop, what is left, and lines lost. Needs `npm run build`.
//
//   node scripts/measure-host-killed.mjs [services=100] [seconds=20] [inline]
//
// Log services run as processes (`log/no-inline`) unless `inline` is given: then they run inside
// runsvdir and die with it.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = Number(process.argv[2] ?? 100);
const WINDOW_S = Number(process.argv[3] ?? 20);
const IS_INLINE = process.argv[4] === 'inline';
// MEASURE_BIN: another build's bin/ (e.g. one without the takeover, for the figures before).
const BIN = process.env.MEASURE_BIN ?? fileURLToPath(new URL('../bin/', import.meta.url));
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };
const WRITER = '#!/bin/sh\ni=0\nwhile :; do\n  i=$((i+1))\n  echo "$$ $i"\n  echo $i > ./last.$$\n  sleep 0.1\ndone\n';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const root = mkdtempSync(join(tmpdir(), 'measure-host-killed-'));
const dir = join(root, 'sv');
const names = Array.from({ length: N }, (_, i) => `s${String(i).padStart(3, '0')}`);
for (const name of names) {
  mkdirSync(join(dir, name, 'log', 'main'), { recursive: true });
  writeFileSync(join(dir, name, 'run'), WRITER);
  writeFileSync(join(dir, name, 'log', 'run'), '#!/bin/sh\nexec svlogd ./main\n');
  if (!IS_INLINE) writeFileSync(join(dir, name, 'log', 'no-inline'), '');
  chmodSync(join(dir, name, 'run'), 0o755);
  chmodSync(join(dir, name, 'log', 'run'), 0o755);
}

function startHost(tag) {
  const err = join(root, `${tag}.err`);
  const child = spawn(process.execPath, [join(BIN, 'runsvdir'), '--in-process', dir], { env: ENV, stdio: ['ignore', 'ignore', openSync(err, 'w')] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { pid: child.pid, exited, stderr: () => readFileSync(err, 'utf8') };
}

function record(serviceDir) {
  try {
    const bytes = readFileSync(join(serviceDir, 'supervise/status'));
    return { pid: bytes.readUInt32LE(12), state: bytes[19] };
  } catch {
    return undefined;
  }
}

function allRunning() {
  return names.every((name) => record(join(dir, name))?.state === 1 && record(join(dir, name, 'log'))?.state === 1);
}

/** Live processes whose cwd is under root: [pid, cwd, cmdline]. */
function processesUnder() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (!cwd.startsWith(root) || / [ZX] /.test(stat.slice(stat.lastIndexOf(')')))) continue;
      found.push([Number(entry), cwd, readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ')]);
    } catch {
      // gone
    }
  }
  return found;
}

function instanceCounts() {
  const counts = { writers: new Map(), loggers: new Map() };
  for (const [, cwd, cmd] of processesUnder()) {
    if (cmd.startsWith('/bin/sh ./run')) counts.writers.set(cwd, (counts.writers.get(cwd) ?? 0) + 1);
    else if (cmd.includes('svlogd')) counts.loggers.set(cwd, (counts.loggers.get(cwd) ?? 0) + 1);
  }
  const spread = (map) => ({ dirs: map.size, total: [...map.values()].reduce((a, b) => a + b, 0), max: Math.max(0, ...map.values()) });
  return { writers: spread(counts.writers), loggers: spread(counts.loggers) };
}

function cpuMillis(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(')')[1].trim().split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]) / 1024;
}

async function window(pid) {
  const cpu0 = cpuMillis(pid);
  await sleep(WINDOW_S * 1000);
  return { cpuMs: cpuMillis(pid) - cpu0, rssMb: Math.round(rssMb(pid)) };
}

function linesLost() {
  let lost = 0;
  let logged = 0;
  let tailsShort = 0;
  for (const name of names) {
    const logDir = join(dir, name, 'log', 'main');
    const text = readdirSync(logDir).filter((file) => file === 'current' || file.startsWith('@')).sort().map((file) => readFileSync(join(logDir, file), 'utf8')).join('');
    const seen = new Map();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const [writer, n] = line.split(' ');
      const previous = seen.get(writer) ?? 0;
      if (Number(n) > previous + 1) lost += Number(n) - previous - 1;
      seen.set(writer, Math.max(previous, Number(n)));
      logged += 1;
    }
    for (const [writer, last] of seen) {
      const noted = Number(readFileSync(join(dir, name, `last.${writer}`), 'utf8'));
      if (noted > last) tailsShort += noted - last;
    }
  }
  return { logged, lost, tailsShort };
}

const out = { services: N, windowSeconds: WINDOW_S, inlineLogs: IS_INLINE, date: new Date().toISOString() };
const started = Date.now();
let host = startHost('first');
let deadline = Date.now() + 120_000;
while (!allRunning() && Date.now() < deadline) await sleep(50);
out.firstHost = { allRunning: allRunning(), startSeconds: (Date.now() - started) / 1000, ...(await window(host.pid)) };
process.kill(host.pid, 'SIGKILL');
await host.exited;
await sleep(2000);
out.orphansAfterKill = instanceCounts();

const restarted = Date.now();
host = startHost('second');
deadline = Date.now() + 120_000;
const takeovers = () => (host.stderr().match(/taking over/g) ?? []).length;
while (takeovers() < (IS_INLINE ? 1 : 2) * N && !(IS_INLINE && allRunning()) && Date.now() < deadline) await sleep(50);
out.takeover = { warnings: takeovers(), seconds: (Date.now() - restarted) / 1000 };
await sleep(2000);
out.afterRestart = instanceCounts();
out.secondHost = { allRunning: allRunning(), ...(await window(host.pid)) };
out.secondHost.fatalLines = (host.stderr().match(/fatal/g) ?? []).length;
out.afterWindow = instanceCounts();

const stopping = Date.now();
process.kill(host.pid, 'SIGHUP');
await host.exited;
out.orderlyStop = { seconds: (Date.now() - stopping) / 1000 };
await sleep(500);
const left = processesUnder();
out.leftAfterStop = left.length;
out.lines = linesLost();
console.log(JSON.stringify(out, null, 2));
for (const [pid] of left) process.kill(pid, 'SIGKILL');
rmSync(root, { recursive: true, force: true });
