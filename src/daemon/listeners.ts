/**
 * The daemon's listening sockets, kept for its whole life and shared by every generation: each
 * generation's server listens on a duplicate of the descriptor (closing that server closes only
 * its duplicate), so a reload never closes a listening socket and connections that arrive in
 * between wait in its backlog instead of being refused. A socket comes from LISTEN_FDS (by name,
 * by address, or the first one) or is bound here when none was passed, unless `inheritOnly`.
 */
import { createSocket } from 'node:dgram';
import { renameSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { RunitError } from '../errors.js';
import { close, dupCloexec } from '../sys/index.js';
import { socketInfo, type SocketInfo } from '../sys/sockets.js';
import { formatListenAddress, isListeningOn, parseListenAddress, type ListenAddress } from './address.js';
import type { PassedFd } from './listen-fds.js';

export interface ListenSpec {
  /** The LISTEN_FDNAMES name of the socket to take (systemd's FileDescriptorName=, our `listen` file's). */
  name?: string;
  /** `host:port`, `[v6]:port`, `:port`, `/path` or `@name`: taken if passed, else bound. */
  address?: string;
  /** Take the first passed socket of the type whatever its name or address; bind `address` if none. */
  anyPassed?: boolean;
  /** `stream` (TCP, unix stream; the default) or `dgram` (UDP). */
  type?: 'stream' | 'dgram';
  /** Refuse to bind: only a passed socket will do (ERR_NO_LISTENER otherwise). */
  inheritOnly?: boolean;
  /** listen(2)'s backlog for a socket bound here. */
  backlog?: number;
}

export class Listener {
  /** The descriptor this process keeps; servers get duplicates (`dup()`). */
  readonly fd: number;
  readonly name: string;
  readonly info: SocketInfo;
  /** Passed in (LISTEN_FDS), not bound here. */
  readonly isInherited: boolean;

  constructor(fd: number, name: string, info: SocketInfo, isInherited: boolean) {
    this.fd = fd;
    this.name = name;
    this.info = info;
    this.isInherited = isInherited;
  }

  /** A new close-on-exec descriptor for the same socket, for one server to own and close. */
  dup(): number {
    return dupCloexec(this.fd);
  }

  /** Where it listens: `127.0.0.1:8080`, `[::]:80`, `/run/web.sock`. */
  get address(): string {
    return formatListenAddress(this.info);
  }
}

export class Listeners {
  readonly #available: Listener[] = [];
  readonly #taken = new Map<string, Listener>();

  /**
   * `passed`: LISTEN_FDS (listen-fds.ts). Listening stream sockets and datagram sockets are
   * listeners; anything else (a stored connection, a file: the fd store) is in `others`.
   */
  readonly others: PassedFd[] = [];

  constructor(passed: readonly PassedFd[]) {
    for (const entry of passed) {
      const info = socketInfo(entry.fd);
      if (info !== undefined && (info.isListening || info.type === 'dgram')) this.#available.push(new Listener(entry.fd, entry.name, info, true));
      else this.others.push(entry);
    }
  }

  /** Every socket taken so far (what a replacing process inherits). */
  get taken(): Listener[] {
    return [...this.#taken.values()];
  }

  /**
   * The socket for `spec`: the same Listener every time it is asked for (every generation), a
   * passed one when there is one that fits, else one bound now.
   */
  async get(spec: ListenSpec = {}): Promise<Listener> {
    const key = JSON.stringify([spec.name, spec.address, spec.type ?? 'stream', spec.anyPassed === true]);
    const known = this.#taken.get(key);
    if (known !== undefined) return known;
    const listener = this.#takePassed(spec) ?? (await this.#bind(spec));
    this.#taken.set(key, listener);
    return listener;
  }

  #takePassed(spec: ListenSpec): Listener | undefined {
    const type = spec.type ?? 'stream';
    const address = spec.address === undefined ? undefined : parseListenAddress(spec.address);
    const index = this.#available.findIndex((listener) => {
      if (listener.info.type !== type) return false;
      if (spec.anyPassed) return true;
      if (spec.name !== undefined) return listener.name === spec.name;
      return address === undefined || isListeningOn(listener.info, address);
    });
    return index === -1 ? undefined : this.#available.splice(index, 1)[0];
  }

  async #bind(spec: ListenSpec): Promise<Listener> {
    const what = spec.name ?? spec.address ?? 'a listener';
    if (spec.inheritOnly) throw new RunitError('ERR_NO_LISTENER', `no socket passed for ${what} (LISTEN_FDS) and inheritOnly`);
    if (spec.address === undefined) throw new RunitError('ERR_NO_LISTENER', `no socket passed for ${what} (LISTEN_FDS) and no address to bind`);
    const address = parseListenAddress(spec.address);
    const fd = spec.type === 'dgram' ? await bindDatagram(address) : await bindStream(address, spec.backlog);
    return new Listener(fd, spec.name ?? spec.address, socketInfo(fd)!, false);
  }

  /** Closes every socket this process keeps (servers' duplicates are theirs to close). */
  close(): void {
    for (const listener of [...this.#available, ...this.#taken.values()]) {
      try {
        close(listener.fd);
      } catch {
        // EBADF: the program closed it itself
      }
    }
    this.#available.length = 0;
    this.#taken.clear();
  }
}

/** The descriptor behind a listening net.Server: Node's handle has it, public API does not. */
function serverFd(server: Server): number {
  return (server as unknown as { _handle: { fd: number } })._handle.fd;
}

/**
 * Binds through a throw-away net.Server and keeps a duplicate of its socket. libuv unlinks a unix
 * socket's path when the server closes, so that one is bound under a temporary name and renamed
 * into place (which also replaces a stale socket left by an earlier run).
 */
async function bindStream(address: ListenAddress, backlog = 511): Promise<number> {
  const server = createServer();
  const temporary = address.family === 'unix' && !address.path.startsWith('@')
    ? join(dirname(address.path), `.${basename(address.path)}.${process.pid}.new`)
    : undefined;
  const options = address.family === 'unix'
    ? { path: temporary ?? `\0${address.path.slice(1)}`, backlog }
    : { host: address.host, port: address.port, backlog, exclusive: true };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => resolve());
  });
  const fd = dupCloexec(serverFd(server));
  if (temporary !== undefined && address.family === 'unix') renameSync(temporary, address.path);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (temporary !== undefined) {
    try {
      unlinkSync(temporary);
    } catch {
      // renamed away: nothing to remove
    }
  }
  return fd;
}

async function bindDatagram(address: ListenAddress): Promise<number> {
  if (address.family === 'unix') throw new RunitError('ERR_INVALID', 'a unix datagram socket cannot be bound here; pass it in LISTEN_FDS');
  const socket = createSocket({ type: address.host?.includes(':') ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: address.host, port: address.port, exclusive: true }, () => resolve());
  });
  const fd = dupCloexec(datagramFd(socket));
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return fd;
}

/** A dgram.Socket's descriptor: kept in its state object (its `_handle` getter is deprecated). */
function datagramFd(socket: object): number {
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as Record<symbol, { handle?: { fd?: number } } | undefined>)[symbol];
    const fd = state?.handle?.fd;
    if (typeof fd === 'number' && fd >= 0) return fd;
  }
  throw new RunitError('ERR_SYS', 'the datagram socket has no descriptor');
}
