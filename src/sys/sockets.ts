/**
 * Sockets as the daemon helper (src/daemon/) sees them: what an inherited descriptor is
 * (getsockopt SO_TYPE, getsockname), so a listener can be found by the address it listens on as
 * well as by its LISTEN_FDNAMES name; and a datagram sent to a unix socket by path (sd_notify),
 * which Node's dgram cannot do (it has no unix sockets).
 */
import { SysError } from '../errors.js';
import { inet, lastErrno, unix } from './libc.js';

/** sun_path's size in struct sockaddr_un: a path must fit with its NUL. */
export const UNIX_PATH_MAX = 108;

const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
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
  const address = new Uint8Array(SOCKADDR_MAX);
  const length = [SOCKADDR_MAX];
  if ((unix.getsockname(fd, address, length) as number) === -1) throw new SysError('getsockname', lastErrno());
  return { type, ...decodeSockaddr(address, length[0] as number) };
}

function decodeSockaddr(bytes: Uint8Array, length: number): Omit<SocketInfo, 'type'> {
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
    if (path[0] === 0) return { family: 'unix', address: `@${Buffer.from(path.subarray(1)).toString()}`, port: 0 };
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

/** A sockaddr_un for `path`, or for `@name` in Linux's abstract namespace (systemd's spelling). */
export function unixSockaddr(path: string): Uint8Array {
  const name = Buffer.from(path);
  if (name.length >= UNIX_PATH_MAX) throw new SysError('bind', 36 /* ENAMETOOLONG */, path);
  const isAbstract = path.startsWith('@');
  // An abstract name starts with a NUL byte and has no terminating one.
  const address = new Uint8Array(2 + name.length + (isAbstract ? 0 : 1));
  address[0] = AF_UNIX; // sa_family_t, little-endian
  address.set(name, 2);
  if (isAbstract) address[2] = 0;
  return address;
}

/** An unbound, close-on-exec unix datagram socket to send from. */
export function unixDatagramSender(): number {
  const fd = inet.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
  if (fd === -1) throw new SysError('socket', lastErrno());
  return fd;
}

/** sendto(2) of one datagram to the unix socket at `path` (`@name`: abstract). */
export function sendToUnix(fd: number, data: Uint8Array, path: string): void {
  const address = unixSockaddr(path);
  if (Number(inet.sendto(fd, data, data.length, 0, address, address.length)) === -1) throw new SysError('sendto', lastErrno(), path);
}
