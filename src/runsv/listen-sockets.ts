/**
 * `listen` (docs/extensions.md): the sockets a supervisor binds before the first start of ./run
 * and holds until it ends, so connections queue in their backlog while the service restarts.
 * A socket that cannot be bound yet (a port in use, a path that cannot be made) and a file that
 * does not parse are reported, each reason once as it changes, and retried every RETRY_MILLIS;
 * ./run does not start until every socket is bound. Until the file has parsed, each retry reads
 * it again, so a fix takes effect without restarting the supervisor; after that it is fixed.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Clock } from '../clock.js';
import { errorText } from '../errors.js';
import type { HeldListenSocket } from '../protocol/held-fds.js';
import { EXTENSION_FILE } from '../protocol/layout.js';
import { formatListenAddress, parseListenFile, type ListenSpec } from '../protocol/listen-spec.js';
import { close } from '../sys/index.js';
import { inetListenSocket, unixListenSocket } from '../sys/listen-sockets.js';

export const LISTEN_RETRY_MILLIS = 1000;

interface HeldSocket {
  spec: ListenSpec;
  /** Absolute path of a unix socket. */
  path: string | undefined;
  fd: number | undefined;
}

export class ListenSockets {
  readonly #root: string;
  readonly #defaultName: string;
  readonly #clock: Clock;
  readonly #warn: (text: string) => void;
  readonly #onChange: () => void;
  #sockets: HeldSocket[] | undefined;
  #lastProblem: string | undefined;
  #cancelRetry: (() => void) | undefined;
  /** Whom the pending retry tells: the latest caller's. */
  #recheck: (() => void) | undefined;
  #isClosed = false;

  /** `defaultName`: LISTEN_FDNAMES for a line without `name=` (systemd: the unit's name). */
  constructor(root: string, defaultName: string, clock: Clock, warn: (text: string) => void, onChange: () => void) {
    this.#root = root;
    this.#defaultName = defaultName;
    this.#clock = clock;
    this.#warn = warn;
    this.#onChange = onChange;
  }

  /** Whether every socket is bound; when not, tries again and calls `recheck` after a while. */
  mayStart(recheck: () => void): boolean {
    if (this.#isClosed) return false;
    if (this.#bindAll()) return true;
    this.#recheck = recheck;
    this.#cancelRetry ??= this.#clock.setTimer(LISTEN_RETRY_MILLIS, () => {
      this.#cancelRetry = undefined;
      this.#recheck?.();
    });
    return false;
  }

  #bindAll(): boolean {
    const problem = this.#tryBind();
    if (problem !== undefined && problem !== this.#lastProblem) this.#warn(`${EXTENSION_FILE.listen}: ${problem}`);
    this.#lastProblem = problem;
    return problem === undefined;
  }

  /** Binds what is not bound yet; the first problem, or undefined when all are bound. */
  #tryBind(): string | undefined {
    if (this.#sockets === undefined) {
      let text: string;
      try {
        text = readFileSync(join(this.#root, EXTENSION_FILE.listen), 'latin1');
      } catch (error) {
        return `unable to read: ${errorText(error)}`;
      }
      const parsed = parseListenFile(text);
      if ('badLine' in parsed) return `line ${parsed.badLine}: not a socket to listen on: ${parsed.line.trim()}`;
      this.#sockets = parsed.specs.map((spec) => ({
        spec,
        path: spec.kind === 'unix' ? (isAbsolute(spec.path) ? spec.path : join(this.#root, spec.path)) : undefined,
        fd: undefined,
      }));
    }
    let problem: string | undefined;
    let isChanged = false;
    for (const socket of this.#sockets) {
      if (socket.fd !== undefined) continue;
      try {
        const { spec } = socket;
        socket.fd = spec.kind === 'unix' ? unixListenSocket(socket.path!, spec.mode) : inetListenSocket(spec.kind, spec.family, spec.host, spec.port);
        isChanged = true;
      } catch (error) {
        problem ??= `unable to bind ${formatListenAddress(socket.spec)}: ${errorText(error)}`;
      }
    }
    if (isChanged) this.#onChange();
    return problem;
  }

  /** The bound sockets in the file's order, with their LISTEN_FDNAMES names. */
  passed(): { fds: number[]; names: string[] } {
    const fds: number[] = [];
    const names: string[] = [];
    for (const socket of this.#sockets ?? []) {
      if (socket.fd === undefined) continue;
      fds.push(socket.fd);
      names.push(socket.spec.name ?? this.#defaultName);
    }
    return { fds, names };
  }

  held(): HeldListenSocket[] {
    return (this.#sockets ?? []).map(({ spec, fd }) => ({
      address: formatListenAddress(spec),
      name: spec.name ?? this.#defaultName,
      isBound: fd !== undefined,
    }));
  }

  /** The supervisor ends: every socket is closed, a unix one's file removed. */
  close(): void {
    this.#isClosed = true;
    this.#cancelRetry?.();
    for (const socket of this.#sockets ?? []) {
      if (socket.fd === undefined) continue;
      close(socket.fd);
      socket.fd = undefined;
      if (socket.path === undefined) continue;
      try {
        unlinkSync(socket.path);
      } catch {
        // removed by someone else already
      }
    }
  }
}
