/**
 * Replacing the running process with a new one (a new version of the program on disk), the Go
 * library's Upgrade: the successor is started with every listening socket inherited (fds 3..,
 * LISTEN_FDS, LISTEN_FDNAMES, and LISTEN_PID set to its own pid by `sh -c 'LISTEN_PID=$$ exec …'`)
 * and one pipe more, named by NODE_RUNIT_HANDOVER_FD, on which its Notifier writes a newline once
 * it serves. Then this process tells the supervisor `MAINPID=<successor>` + `READY=1` and drains
 * and exits: both serve on the same sockets in between, so no connection is refused.
 *
 * Only a supervisor that follows a change of main pid can let this happen; one that cannot
 * (real runit, daemontools, s6: they wait for the pid they started) would take this process's
 * exit for the service's, start ./run again beside the successor, and lose track of it. So the
 * handover is refused unless the supervisor says it follows MAINPID= (ours sets
 * NODE_RUNIT_FOLLOWS_MAINPID=1 with NOTIFY_SOCKET) or is systemd (INVOCATION_ID, which systemd
 * sets for every service it starts, with NOTIFY_SOCKET: systemd follows MAINPID= from the main
 * process into the service's cgroup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { RunitError } from '../errors.js';
import { FOLLOWS_MAINPID_VARIABLE } from '../protocol/main-pid.js';
import { close, O_CLOEXEC, pipe2 } from '../sys/index.js';
import { HANDOVER_FD_VARIABLE, LISTEN_FDS_START } from './listen-fds.js';
import type { Listener } from './listeners.js';

/** sh knows its own pid and exec keeps it: the successor's LISTEN_PID is its pid. */
const SET_LISTEN_PID = 'LISTEN_PID=$$ exec "$0" "$@"';

const DEFAULT_READY_TIMEOUT = 30_000;

export interface ReplaceOptions {
  /** The program to start; default: this one again (`process.execPath` with the same arguments). */
  command?: string;
  /** Its arguments; default: this process's (Node's options, the script and its arguments). */
  args?: readonly string[];
  /** Its environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long it may take to serve (ms, default 30000) before it is stopped and this one goes on. */
  readyTimeout?: number;
  /** Hand over even though the supervisor does not say it follows MAINPID= (you know it does). */
  isMainPidFollowed?: boolean;
}

/** Why this process cannot hand over to a successor here; undefined when it can. */
export function handoverRefusal(env: NodeJS.ProcessEnv): string | undefined {
  if (env['NOTIFY_SOCKET'] === undefined) {
    return 'no NOTIFY_SOCKET: no supervisor to tell about the new main pid (real runit cannot follow one; sv hup reloads in place)';
  }
  if (env[FOLLOWS_MAINPID_VARIABLE] === '1' || env['INVOCATION_ID'] !== undefined) return undefined;
  return `the supervisor behind NOTIFY_SOCKET does not say it follows MAINPID= (no ${FOLLOWS_MAINPID_VARIABLE}=1, not systemd)`;
}

/** A successor that serves: its pid, and its ChildProcess (unref'd: it outlives this process). */
export interface Successor {
  pid: number;
  child: ChildProcess;
}

/**
 * Starts the successor with `listeners` (in this order from fd 3) and resolves once it says it
 * serves; rejects with ERR_NO_HANDOVER when it exits first or is not ready in time (it is then
 * stopped). `isCancelled` is asked once it is ready: true stops it (this process is exiting).
 */
export async function startSuccessor(listeners: readonly Listener[], options: ReplaceOptions, isCancelled: () => boolean): Promise<Successor> {
  const [readEnd, writeEnd] = pipe2(O_CLOEXEC);
  const fds = listeners.map((listener) => listener.fd);
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    LISTEN_FDS: String(fds.length),
    LISTEN_FDNAMES: listeners.map((listener) => listener.name).join(':'),
    [HANDOVER_FD_VARIABLE]: String(LISTEN_FDS_START + fds.length),
  };
  if (fds.length === 0) delete env['LISTEN_FDS'];
  const command = options.command ?? process.execPath;
  const args = options.args ?? [...process.execArgv, ...process.argv.slice(1)];
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', SET_LISTEN_PID, command, ...args], { stdio: ['inherit', 'inherit', 'inherit', ...fds, writeEnd], env });
  } finally {
    close(writeEnd);
  }
  const pipe = new Socket({ fd: readEnd, readable: true, writable: false });
  try {
    await readyOrExit(child, pipe, options.readyTimeout ?? DEFAULT_READY_TIMEOUT);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  } finally {
    pipe.destroy();
  }
  if (isCancelled()) {
    child.kill('SIGTERM');
    throw new RunitError('ERR_NOT_RUNNING', 'the daemon began exiting during the handover; the new process was stopped');
  }
  child.unref();
  return { pid: child.pid!, child };
}

/** Resolves at the successor's newline; rejects when it exits, closes the pipe, or takes too long. */
function readyOrExit(child: ChildProcess, pipe: Socket, timeoutMillis: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      settle();
      reject(new RunitError('ERR_NO_HANDOVER', `the new process ${why}; this one goes on serving`));
    };
    const onData = (chunk: Buffer): void => {
      if (!chunk.includes(0x0a)) return;
      settle();
      resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited before it was ready (${signal ?? `exit ${code}`})`);
    const onError = (error: Error): void => fail(`could not be started: ${error.message}`);
    const onEnd = (): void => fail('closed the handover pipe before it was ready');
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMillis} ms`), timeoutMillis);
    const settle = (): void => {
      clearTimeout(timer);
      pipe.off('data', onData).off('end', onEnd);
      child.off('exit', onExit).off('error', onError);
    };
    pipe.on('data', onData).on('end', onEnd).on('error', () => undefined);
    child.on('exit', onExit).on('error', onError);
  });
}
