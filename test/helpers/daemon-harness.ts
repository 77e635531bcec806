/**
 * A systemd-style activation harness for node-runit/daemon services: the test binds the
 * listening socket and a notify socket, and starts the service with LISTEN_FDS=1 (the socket as
 * fd 3), LISTEN_FDNAMES, LISTEN_PID (set by `sh -c 'LISTEN_PID=$$ exec …'`, as only the
 * process itself knows its pid before exec) and NOTIFY_SOCKET, as systemd does; every sd_notify
 * datagram it sends is kept, in order.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DatagramListener } from '../../src/sys/datagram-listener.js';
import { close, dupCloexec, unixDatagramSocket } from '../../src/sys/index.js';
import { REPO_ROOT } from './binaries.js';
import { defer } from './cleanup.js';
import { spawnTracked, type Tracked } from './procs.js';
import { waitFor } from './wait-for.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

export const DAEMON_EXAMPLE = join(REPO_ROOT, 'dist/examples/daemon-http.js');
export const DAEMON_FIXTURE = join(REPO_ROOT, 'dist/test/fixtures/daemon-service.js');
export const DAEMON_FDSTORE_FIXTURE = join(REPO_ROOT, 'dist/test/fixtures/daemon-fdstore.js');

/** A listening TCP socket on 127.0.0.1 that the test keeps (its fd) and its port. */
export async function bindListener(t: TestContext): Promise<{ fd: number; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const fd = dupCloexec((server as unknown as { _handle: { fd: number } })._handle.fd);
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  defer(t, () => close(fd));
  return { fd, port };
}

/** The datagrams a service sends to NOTIFY_SOCKET, each as text. */
export class NotifyRecorder {
  readonly path: string;
  readonly messages: string[] = [];
  readonly #listener: DatagramListener;

  constructor(t: TestContext, dir: string) {
    this.path = join(dir, 'notify');
    this.#listener = new DatagramListener(unixDatagramSocket(this.path), (message) => this.messages.push(message.toString('utf8')));
    defer(t, () => this.#listener.close());
  }

  /** Waits for a datagram after the first `after` ones that contains `line` (e.g. `READY=1`). */
  waitFor(line: string, after = 0): Promise<number> {
    return waitFor(`${line} on NOTIFY_SOCKET (got ${JSON.stringify(this.messages)})`, () => {
      const index = this.messages.findIndex((message, at) => at >= after && message.split('\n').includes(line));
      return index === -1 ? undefined : index + 1;
    }, { timeout: 20_000 });
  }
}

export interface Activated extends Tracked {
  port: number;
  notify: NotifyRecorder;
}

/** Starts `program` (a compiled .js) with systemd's socket activation and notify socket. */
export async function activate(t: TestContext, dir: string, program: string, env: NodeJS.ProcessEnv = {}): Promise<Activated> {
  const { fd, port } = await bindListener(t);
  const notify = new NotifyRecorder(t, dir);
  const proc = spawnTracked(t, '/bin/sh', ['-c', 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, program], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', fd],
    env: { PATH: process.env['PATH'], LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', NOTIFY_SOCKET: notify.path, ...env },
  });
  return { ...proc, port, notify };
}

/** One GET; resolves with the body, rejects on any failure (refused, reset, non-200). */
export function get(port: number, path = '/', agent: false | undefined = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`status ${response.statusCode}`))));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TCP port nobody listens on now (bound and released), for a service to bind. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A ./run body for the example on `port`; its stderr (the daemon's log) goes to `stderr`. */
export function exampleRun(port: number, stderr = '/dev/null'): string {
  return `HTTP_ADDR=127.0.0.1:${port}; export HTTP_ADDR\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(DAEMON_EXAMPLE)} 2>>${JSON.stringify(stderr)}\n`;
}

/** `pid=P generation=G` of one answer. */
export function parseAnswer(body: string): { pid: number; generation: number } {
  const match = /^pid=(\d+) generation=(\d+)\n$/.exec(body);
  assert.ok(match, `unexpected answer ${JSON.stringify(body)}`);
  return { pid: Number(match[1]), generation: Number(match[2]) };
}

export interface Load {
  /** Stops sending and resolves once every request is answered: how many, and what failed. */
  stop(): Promise<{ sent: number; seconds: number; failures: string[] }>;
}

/** GETs to `port` at `perSecond` by the clock (timers drift on a busy machine), each answer checked. */
export function startLoad(t: TestContext, port: number, perSecond = 200): Load {
  let sent = 0;
  let inFlight = 0;
  const failures: string[] = [];
  const started = Date.now();
  const timer = setInterval(() => {
    while (sent < ((Date.now() - started) * perSecond) / 1000) {
      sent++;
      inFlight++;
      get(port)
        .then(
          (body) => void parseAnswer(body),
          (error: Error) => failures.push(error.message),
        )
        .finally(() => inFlight--);
    }
  }, 5);
  t.after(() => clearInterval(timer));
  return {
    async stop() {
      clearInterval(timer);
      const seconds = (Date.now() - started) / 1000;
      await waitFor('every request answered', () => inFlight === 0, { timeout: 30_000 });
      return { sent, seconds, failures };
    },
  };
}
