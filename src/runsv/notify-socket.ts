/**
 * `notify-socket`: systemd's readiness protocol (sd_notify). The supervisor owns one datagram
 * socket per service for its whole life, at `supervise/notify` when that path fits a
 * sockaddr_un, else under a name in Linux's abstract namespace; ./run gets its name in
 * NOTIFY_SOCKET. Each datagram is decoded into a Notice for the current instance. Anyone who can
 * reach the socket may send to it (systemd's NotifyAccess=all); the file's directory is 0700.
 * With an fd store the socket is read by recvmsg (descriptor-listener.ts), which keeps the
 * descriptors a datagram carries; without one, libuv reads it and the kernel drops them.
 */
import { unlinkSync } from 'node:fs';
import { errorCode, errorText } from '../errors.js';
import { DatagramListener } from '../sys/datagram-listener.js';
import { DescriptorListener } from '../sys/descriptor-listener.js';
import { UNIX_PATH_MAX, unixDatagramSocket } from '../sys/index.js';
import { parseNotifyDatagram, type Notice } from './notice.js';

let abstractCounter = 0;

export class NotifySocket {
  /** What NOTIFY_SOCKET says: an absolute path or `@name`. */
  readonly address: string;
  readonly #listener: { close(): void };
  readonly #path: string | undefined;

  private constructor(address: string, listener: { close(): void }, path: string | undefined) {
    this.address = address;
    this.#listener = listener;
    this.#path = path;
  }

  /**
   * Binds the socket at `path` (absolute), replacing a stale one, or in the abstract namespace
   * when the path is too long. Throws the SysError of socket or bind. With `onFds`, every
   * datagram's descriptors go there with its notice (the callback owns them), before `onNotice`.
   */
  static open(
    path: string,
    onNotice: (notice: Notice) => void,
    warn: (text: string) => void,
    onFds?: (notice: Notice, fds: number[]) => void,
  ): NotifySocket {
    const listen = (fd: number): { close(): void } => {
      if (onFds === undefined) return new DatagramListener(fd, (message) => onNotice(parseNotifyDatagram(message.toString('utf8'))));
      return new DescriptorListener(fd, (message, fds) => {
        const notice = parseNotifyDatagram(message.toString('utf8'));
        onFds(notice, fds);
        onNotice(notice);
      });
    };
    if (Buffer.byteLength(path) < UNIX_PATH_MAX) {
      try {
        unlinkSync(path);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') warn(`unable to remove ${path}: ${errorText(error)}`);
      }
      const fd = unixDatagramSocket(path);
      return new NotifySocket(path, listen(fd), path);
    }
    const address = `@node-runit/notify/${process.pid}/${abstractCounter++}`;
    const fd = unixDatagramSocket(address);
    return new NotifySocket(address, listen(fd), undefined);
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
