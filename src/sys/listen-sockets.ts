/**
 * Sockets a supervisor binds and holds for its service (`listen`, docs/extensions.md). Made with
 * socket/bind/listen through koffi rather than net.Server or dgram: those would have libuv
 * accept or read on them, and a held socket must only queue connections (in its backlog) while
 * the service is down. Every socket is close-on-exec and blocking, as systemd passes them; the
 * spawn that hands one to ./run as fd 3.. clears close-on-exec on its copy.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { SysError } from '../errors.js';
import { check } from './check.js';
import { unixAddress } from './index.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET } from './socket-numbers.js';
import { c, inet, unix } from './libc.js';

const SO_REUSEADDR = 2;

/** The backlog asked for; the kernel caps it at net.core.somaxconn. */
const BACKLOG = 4096;

/** socket(2), then `setUp` on it; the socket is closed if that throws. */
function socketWith(domain: number, type: number, setUp: (fd: number) => void): number {
  const fd = check(inet.socket(domain, type | SOCK_CLOEXEC, 0) as number, 'socket');
  try {
    setUp(fd);
  } catch (error) {
    c.close(fd);
    throw error;
  }
  return fd;
}

/** An IP address in network byte order; undefined when `host` is not one of `family`'s. */
function addressBytes(family: 4 | 6, host: string): Uint8Array | undefined {
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  const parsed = inet.inetPton(family === 4 ? AF_INET : AF_INET6, host, bytes) as number;
  return parsed === 1 ? bytes : undefined;
}

function inetAddress(family: 4 | 6, host: string, port: number): Uint8Array {
  const ip = addressBytes(family, host);
  if (ip === undefined) throw new SysError('bind', 22 /* EINVAL */, host);
  const address = new Uint8Array(family === 4 ? 16 : 28);
  const view = new DataView(address.buffer);
  view.setUint16(0, family === 4 ? AF_INET : AF_INET6, true);
  view.setUint16(2, port, false);
  address.set(ip, family === 4 ? 4 : 8);
  return address;
}

/** Whether `host` is an IP address of `family` (4 or 6) in numeric form. */
export function isIpAddress(family: 4 | 6, host: string): boolean {
  return addressBytes(family, host) !== undefined;
}

/**
 * A TCP socket listening on HOST:PORT (SO_REUSEADDR, as every server sets it, so a supervisor
 * that comes back binds again while old connections sit in TIME_WAIT), or a bound UDP socket.
 */
export function inetListenSocket(protocol: 'tcp' | 'udp', family: 4 | 6, host: string, port: number): number {
  const address = inetAddress(family, host, port);
  const isStream = protocol === 'tcp';
  return socketWith(family === 4 ? AF_INET : AF_INET6, isStream ? SOCK_STREAM : SOCK_DGRAM, (fd) => {
    if (isStream) check(unix.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, Int32Array.of(1), 4) as number, 'setsockopt');
    check(unix.bind(fd, address, address.length) as number, 'bind', `${host}:${port}`);
    if (isStream) check(unix.listen(fd, BACKLOG) as number, 'listen');
  });
}

/**
 * A unix stream socket listening at `path` with `mode`. A socket file left there (by an
 * earlier supervisor) is replaced, as systemd does; anything else at the path is not touched
 * (bind then fails with EADDRINUSE).
 */
export function unixListenSocket(path: string, mode: number): number {
  const address = unixAddress(path);
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // nothing there (or not ours to see): bind says what is wrong
  }
  return socketWith(AF_UNIX, SOCK_STREAM, (fd) => {
    check(unix.bind(fd, address.bytes, address.length) as number, 'bind', path);
    chmodSync(path, mode);
    check(unix.listen(fd, BACKLOG) as number, 'listen');
  });
}
