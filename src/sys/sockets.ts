/**
 * Sockets as the daemon helper (src/daemon/) sees them: what an inherited descriptor is
 * (getsockopt SO_TYPE, getsockname), so a listener can be found by the address it listens on as
 * well as by its LISTEN_FDNAMES name; and a socket to send sd_notify datagrams from (Node's dgram
 * has no unix sockets; fd-passing.ts sends them, with descriptors for the fd store).
 */
import { SysError } from '../errors.js';
import { check } from './check.js';
import { inet, lastErrno, unix } from './libc.js';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET } from './socket-numbers.js';

const SO_TYPE = 3;
const SO_ACCEPTCONN = 30;
const ENOTSOCK = 88;
/** sizeof(struct sockaddr_storage). */
const SOCKADDR_MAX = 128;

export interface SocketInfo {
  type: 'stream' | 'dgram' | 'other';
  family: 'IPv4' | 'IPv6' | 'unix' | 'other';
  /** An IP address, a unix path, `@name` (abstract) or '' (unnamed). */
  address: string;
  /** 0 for unix sockets. */
  port: number;
  /** A stream socket in the listening state (listen(2) was called): not a connection. */
  isListening: boolean;
}

/** What socket `fd` is and where it is bound; undefined when `fd` is open but not a socket. */
export function socketInfo(fd: number): SocketInfo | undefined {
  const typeBuffer = new Int32Array(1);
  if ((unix.getsockopt(fd, SOL_SOCKET, SO_TYPE, typeBuffer, [4]) as number) === -1) {
    if (lastErrno() === ENOTSOCK) return undefined;
    throw new SysError('getsockopt', lastErrno());
  }
  const kind = typeBuffer[0];
  const type = kind === SOCK_STREAM ? 'stream' : kind === SOCK_DGRAM ? 'dgram' : 'other';
  const accepting = new Int32Array(1);
  unix.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, accepting, [4]);
  const address = new Uint8Array(SOCKADDR_MAX);
  const length = [SOCKADDR_MAX];
  check(unix.getsockname(fd, address, length) as number, 'getsockname');
  return { type, isListening: accepting[0] === 1, ...decodeSockaddr(address, length[0] as number) };
}

function decodeSockaddr(bytes: Uint8Array, length: number): Omit<SocketInfo, 'type' | 'isListening'> {
  const view = new DataView(bytes.buffer);
  const family = view.getUint16(0, true);
  if (family === AF_INET) {
    return { family: 'IPv4', address: [...bytes.subarray(4, 8)].join('.'), port: view.getUint16(2, false) };
  }
  if (family === AF_INET6) {
    const groups: string[] = [];
    for (let at = 8; at < 24; at += 2) groups.push(view.getUint16(at, false).toString(16));
    return { family: 'IPv6', address: compressIpv6(groups), port: view.getUint16(2, false) };
  }
  if (family === AF_UNIX) {
    const path = bytes.subarray(2, length);
    if (path.length === 0) return { family: 'unix', address: '', port: 0 };
    if (path[0] === 0) {
      // Node (20, seen here) binds an abstract name padded with NULs to the whole sun_path: the
      // padding is no part of the name anyone asked for.
      let end = path.length;
      while (end > 1 && path[end - 1] === 0) end--;
      return { family: 'unix', address: `@${Buffer.from(path.subarray(1, end)).toString()}`, port: 0 };
    }
    const end = path.indexOf(0);
    return { family: 'unix', address: Buffer.from(end === -1 ? path : path.subarray(0, end)).toString(), port: 0 };
  }
  return { family: 'other', address: '', port: 0 };
}

/** The longest run of zero groups written as `::`, as Node writes IPv6 addresses. */
function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < groups.length; ) {
    let end = start;
    while (end < groups.length && groups[end] === '0') end++;
    if (end - start > bestLength && end - start > 1) [bestStart, bestLength] = [start, end - start];
    start = end === start ? start + 1 : end;
  }
  if (bestStart === -1) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** An unbound, close-on-exec unix datagram socket to send from. */
export function unixDatagramSender(): number {
  return check(inet.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number, 'socket');
}
