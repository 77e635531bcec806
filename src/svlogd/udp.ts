/**
 * UDP copies of selected lines (SVL-10), sent as runit does: a fresh non-blocking socket per
 * line and a synchronous sendto, so a failure is known (and noted in the log) at once.
 */
import { close, sendTo, udpSocket } from '../sys/index.js';

export type UdpResult = 'sent' | 'no-socket' | 'failed';

/** sockaddr_in for the address and port: family in host order, port big-endian. */
export function makeSockaddr(address: Uint8Array, port: number): Buffer {
  const addr = Buffer.alloc(16);
  addr.writeUInt16LE(2, 0);
  addr.writeUInt16BE(port, 2);
  addr.set(address.subarray(0, 4), 4);
  return addr;
}

export function sendDatagram(sockaddr: Uint8Array, datagram: Uint8Array): UdpResult {
  let fd: number;
  try {
    fd = udpSocket();
  } catch {
    return 'no-socket';
  }
  try {
    return sendTo(fd, datagram, sockaddr) === datagram.length ? 'sent' : 'failed';
  } catch {
    return 'failed';
  } finally {
    close(fd);
  }
}
