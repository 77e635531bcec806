/**
 * `notify-socket`: systemd's readiness protocol (sd_notify). The supervisor owns one datagram
 * socket per service for its whole life, at `supervise/notify` when that path fits a
 * sockaddr_un, else under a name in Linux's abstract namespace; ./run gets its name in
 * NOTIFY_SOCKET. Each datagram is decoded into a Notice for the current instance. Anyone who can
 * reach the socket may send to it (systemd's NotifyAccess=all); the file's directory is 0700.
 */
import { unlinkSync } from 'node:fs';
import { errorCode, errorText } from '../errors.js';
import { DatagramListener } from '../sys/datagram-listener.js';
import { UNIX_PATH_MAX, unixDatagramSocket } from '../sys/index.js';
import { parseNotifyDatagram, type Notice } from './notice.js';

let abstractCounter = 0;

export class NotifySocket {
  /** What NOTIFY_SOCKET says: an absolute path or `@name`. */
  readonly address: string;
  readonly #listener: DatagramListener;
  readonly #path: string | undefined;

  private constructor(address: string, listener: DatagramListener, path: string | undefined) {
    this.address = address;
    this.#listener = listener;
    this.#path = path;
  }

  /**
   * Binds the socket at `path` (absolute), replacing a stale one, or in the abstract namespace
   * when the path is too long. Throws the SysError of socket or bind.
   */
  static open(path: string, onNotice: (notice: Notice) => void, warn: (text: string) => void): NotifySocket {
    const onMessage = (message: Buffer): void => onNotice(parseNotifyDatagram(message.toString('utf8')));
    if (Buffer.byteLength(path) < UNIX_PATH_MAX) {
      try {
        unlinkSync(path);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') warn(`unable to remove ${path}: ${errorText(error)}`);
      }
      const fd = unixDatagramSocket(path);
      return new NotifySocket(path, new DatagramListener(fd, onMessage), path);
    }
    const address = `@node-runit/notify/${process.pid}/${abstractCounter++}`;
    const fd = unixDatagramSocket(address);
    return new NotifySocket(address, new DatagramListener(fd, onMessage), undefined);
  }

  close(): void {
    this.#listener.close();
    if (this.#path === undefined) return;
    try {
      unlinkSync(this.#path);
    } catch {
      // gone already: nothing to clean
    }
  }
}
