/**
 * Descriptors passed over unix sockets (SCM_RIGHTS): what systemd's fd store (`FDSTORE=1` on
 * NOTIFY_SOCKET) and socket hand-over need, and what Node cannot do (its IPC pipes accept only
 * tcp, pipe and udp handles, and libuv's read(2) of a socket drops any descriptor attached).
 *
 * The API, kept small and stable (the service side, node-runit/daemon, uses it too):
 *
 *   sendFds(socketFd, message, fds, address?) → bytes sent
 *     One sendmsg(2): `message` (string as UTF-8, or bytes) with `fds` attached, to `address`
 *     (a socket path or `@abstract` name) for an unconnected datagram socket, or to the peer of a
 *     connected one when `address` is undefined. Blocks as the socket's mode says; MSG_NOSIGNAL
 *     (a closed peer is EPIPE, not SIGPIPE). Throws SysError (`code` = errno name).
 *
 *   receiveFds(socketFd, maxBytes = 4096) → { message, fds, isTruncated } | undefined
 *     One non-blocking recvmsg(2) (MSG_DONTWAIT): undefined when nothing is waiting (EAGAIN);
 *     else one datagram (or what a stream has) and the descriptors attached, already
 *     close-on-exec (MSG_CMSG_CLOEXEC) and now the caller's to close. `isTruncated`: the
 *     datagram was longer than maxBytes, or more descriptors came than fit (the kernel closes
 *     those). Throws SysError on other errors.
 */
import { SysError } from '../errors.js';
import { unixAddress } from './index.js';
import { fdPassing, lastErrno } from './libc.js';
import { SOL_SOCKET } from './socket-numbers.js';

const SCM_RIGHTS = 1;
const MSG_CTRUNC = 0x8;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const MSG_CMSG_CLOEXEC = 0x40000000;
const EAGAIN = 11;

/** The kernel's limit of descriptors in one message (SCM_MAX_FD). */
export const MAX_FDS_PER_MESSAGE = 253;

/** struct cmsghdr on 64-bit Linux: size_t cmsg_len, int level, int type, then the data. */
const CMSG_HEADER = 16;
const align = (length: number): number => (length + 7) & ~7;

/** CMSG_SPACE for one SCM_RIGHTS message of the kernel's maximum: every descriptor fits. */
const CONTROL_SPACE = CMSG_HEADER + align(MAX_FDS_PER_MESSAGE * 4);

export interface ReceivedMessage {
  message: Buffer;
  /** Close-on-exec descriptors that came with it; the caller owns them. */
  fds: number[];
  /** The datagram or the descriptors did not all fit: what did not is lost. */
  isTruncated: boolean;
}

interface MessageHeader {
  msg_name: Uint8Array | null;
  msg_namelen: number;
  msg_iov: { iov_base: Uint8Array; iov_len: number }[];
  msg_iovlen: number;
  msg_control: Uint8Array | null;
  msg_controllen: number;
  msg_flags: number;
}

function rightsMessage(fds: readonly number[]): Buffer {
  const control = Buffer.alloc(CMSG_HEADER + align(fds.length * 4));
  control.writeBigUInt64LE(BigInt(CMSG_HEADER + fds.length * 4), 0);
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  fds.forEach((fd, index) => control.writeInt32LE(fd, CMSG_HEADER + index * 4));
  return control;
}

export function sendFds(socketFd: number, message: string | Uint8Array, fds: readonly number[], address?: string): number {
  if (fds.length > MAX_FDS_PER_MESSAGE) throw new SysError('sendmsg', 22 /* EINVAL */);
  const data = typeof message === 'string' ? Buffer.from(message) : message;
  const name = address === undefined ? undefined : unixAddress(address);
  const control = fds.length === 0 ? null : rightsMessage(fds);
  const header: MessageHeader = {
    msg_name: name === undefined ? null : name.bytes,
    msg_namelen: name?.length ?? 0,
    msg_iov: [{ iov_base: data, iov_len: data.length }],
    msg_iovlen: 1,
    msg_control: control,
    msg_controllen: control?.length ?? 0,
    msg_flags: 0,
  };
  const sent = Number(fdPassing.sendmsg(socketFd, header, MSG_NOSIGNAL));
  if (sent === -1) throw new SysError('sendmsg', lastErrno(), address);
  return sent;
}

/** One buffer for every receive's control data: the descriptors are copied out at once. */
let controlBuffer: Buffer | undefined;

export function receiveFds(socketFd: number, maxBytes = 4096): ReceivedMessage | undefined {
  controlBuffer ??= Buffer.alloc(CONTROL_SPACE);
  const data = Buffer.alloc(maxBytes);
  const header: MessageHeader = {
    msg_name: null,
    msg_namelen: 0,
    msg_iov: [{ iov_base: data, iov_len: data.length }],
    msg_iovlen: 1,
    msg_control: controlBuffer,
    msg_controllen: controlBuffer.length,
    msg_flags: 0,
  };
  const received = Number(fdPassing.recvmsg(socketFd, header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
  if (received === -1) {
    const errno = lastErrno();
    if (errno === EAGAIN) return undefined;
    throw new SysError('recvmsg', errno);
  }
  return {
    message: data.subarray(0, Math.min(received, maxBytes)),
    fds: rightsOf(controlBuffer, header.msg_controllen),
    isTruncated: (header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) !== 0,
  };
}

/** The descriptors of every SCM_RIGHTS message in `length` bytes of control data. */
function rightsOf(control: Buffer, length: number): number[] {
  const fds: number[] = [];
  for (let at = 0; at + CMSG_HEADER <= length; ) {
    const cmsgLength = Number(control.readBigUInt64LE(at));
    if (cmsgLength < CMSG_HEADER || at + cmsgLength > length) break;
    if (control.readInt32LE(at + 8) === SOL_SOCKET && control.readInt32LE(at + 12) === SCM_RIGHTS) {
      for (let fd = at + CMSG_HEADER; fd + 4 <= at + cmsgLength; fd += 4) fds.push(control.readInt32LE(fd));
    }
    at += align(cmsgLength);
  }
  return fds;
}
