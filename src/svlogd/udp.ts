/**
 * Copies of selected lines sent as UDP datagrams (SVL-10 step 4). One socket serves the whole
 * engine: runit opens a fresh one per line, which only changes the source port.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { UdpTarget } from './config.js';

export type UdpResult = 'sent' | 'failed' | 'no-socket';

export class UdpSender {
  private socket: Socket | undefined;

  /** Sends one datagram and says how it went; never throws. */
  send(target: UdpTarget, datagram: Uint8Array): Promise<UdpResult> {
    const socket = this.open();
    if (socket === undefined) return Promise.resolve('no-socket');
    return new Promise((resolve) => {
      try {
        socket.send(datagram, target.port, target.address, (error) => resolve(error ? 'failed' : 'sent'));
      } catch {
        resolve('failed');
      }
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): Socket | undefined {
    if (this.socket !== undefined) return this.socket;
    try {
      const socket = createSocket('udp4');
      socket.unref();
      // Errors reach us through send callbacks; this keeps a stray one from crashing the host.
      socket.on('error', () => undefined);
      this.socket = socket;
    } catch {
      // No socket this time (e.g. out of descriptors); the next line tries again, as runit does.
    }
    return this.socket;
  }
}
