/**
 * Telling the supervisor about this process, in both protocols a supervisor may have set up:
 * systemd's sd_notify (NOTIFY_SOCKET: `READY=1`, `STATUS=`, `RELOADING=1` + `MONOTONIC_USEC`,
 * `STOPPING=1`, `MAINPID=`), which our `notify-socket` file and systemd give; and s6's
 * notification fd (a newline once ready), which s6-supervise and our `notification-fd` file give.
 * With neither, every call does nothing: real runit has no readiness protocol.
 */
import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { close, setCloseOnExec } from '../sys/index.js';
import { sendFds } from '../sys/fd-passing.js';
import { unixDatagramSender } from '../sys/sockets.js';
import { HANDOVER_FD_VARIABLE } from './listen-fds.js';

export interface NotifierOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * s6's notification fd. Default: the number in `./notification-fd` (s6 runs ./run in the service
   * directory, and s6 daemons read the file there), if that fd is open here and is a pipe.
   */
  notificationFd?: number;
}

export class Notifier {
  /** NOTIFY_SOCKET: an absolute path or `@name` (abstract), or undefined. */
  readonly socketPath: string | undefined;
  #notificationFd: number | undefined;
  /** A predecessor's handover pipe (replace.ts): written to at the first readiness, like s6's. */
  #handoverFd: number | undefined;
  #sender: number | undefined;

  constructor(options: NotifierOptions = {}) {
    const path = (options.env ?? process.env)['NOTIFY_SOCKET'];
    this.socketPath = path !== undefined && (path.startsWith('/') || path.startsWith('@')) ? path : undefined;
    this.#notificationFd = options.notificationFd ?? notificationFdHere();
    this.#handoverFd = pipeFd((options.env ?? process.env)[HANDOVER_FD_VARIABLE]);
    // Inherited without close-on-exec: a program this one starts must not hold the handover open.
    if (this.#handoverFd !== undefined) setCloseOnExec(this.#handoverFd, true);
  }

  /** Whether any supervisor listens: a socket or a notification fd. */
  get isSupervised(): boolean {
    return this.socketPath !== undefined || this.#notificationFd !== undefined;
  }

  /**
   * One sd_notify datagram of `NAME=value` lines, with `fds` attached (SCM_RIGHTS: the fd store).
   * Returns false when there is no socket; a send
   * that fails (the supervisor went away) throws the SysError.
   */
  send(assignments: Readonly<Record<string, string | number>>, fds: readonly number[] = []): boolean {
    if (this.socketPath === undefined) return false;
    const text = Object.entries(assignments)
      .map(([name, value]) => `${name}=${String(value).replaceAll('\n', ' ')}`)
      .join('\n');
    this.#sender ??= unixDatagramSender();
    sendFds(this.#sender, `${text}\n`, fds, this.socketPath);
    return true;
  }

  /** READY=1 (with STATUS= and MAINPID= when given); s6's newline the first time, then its fd is closed. */
  ready(extra: Readonly<Record<string, string | number>> = {}): void {
    this.send({ READY: 1, ...extra });
    const fds = [this.#notificationFd, this.#handoverFd];
    this.#notificationFd = this.#handoverFd = undefined;
    for (const fd of fds) if (fd !== undefined) sayReady(fd);
  }

  /** RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC, which systemd requires with it). */
  reloading(status?: string): void {
    this.send({ RELOADING: 1, MONOTONIC_USEC: monotonicMicros(), ...(status !== undefined && { STATUS: status }) });
  }

  stopping(status?: string): void {
    this.send({ STOPPING: 1, ...(status !== undefined && { STATUS: status }) });
  }

  status(text: string): void {
    this.send({ STATUS: text });
  }

  close(): void {
    if (this.#sender !== undefined) close(this.#sender);
    this.#sender = undefined;
  }
}

/** CLOCK_MONOTONIC in µs: libuv's hrtime reads that clock on Linux. */
export function monotonicMicros(): string {
  return String(process.hrtime.bigint() / 1000n);
}

/** s6 reads up to the first newline and then closes its end; one write says it all. */
function sayReady(fd: number): void {
  try {
    writeSync(fd, '\n');
  } catch {
    // EPIPE: the reader is gone (a predecessor that gave up); nobody is left to tell
  } finally {
    close(fd);
  }
}

/** The fd named by `./notification-fd`, when it is open here and a pipe or FIFO (never a stray fd). */
function notificationFdHere(): number | undefined {
  let text: string;
  try {
    text = readFileSync('notification-fd', 'latin1');
  } catch {
    return undefined;
  }
  return pipeFd(text.split('\n')[0]);
}

/** The fd a text names, when it is 3 or more, open here, and a pipe or FIFO. */
function pipeFd(text: string | undefined): number | undefined {
  const fd = Number(text);
  if (text === undefined || !Number.isInteger(fd) || fd < 3) return undefined;
  try {
    return fstatSync(fd).isFIFO() ? fd : undefined;
  } catch {
    return undefined; // not open: this process was not started by a supervisor that reads the file
  }
}
