/**
 * Messages of a unix datagram socket WITH the descriptors attached to them (SCM_RIGHTS), for
 * the fd store (docs/extensions.md, "Why the fd store is read this way"). DatagramListener's
 * libuv read(2) would make the kernel drop every descriptor, and Node has no way to wait for a
 * descriptor to be readable without reading it. So the kernel is asked to say so with a signal:
 * O_ASYNC + F_SETOWN make it send SIGIO to this process when data arrives; libuv turns the signal
 * into a callback on the loop (its signal pipe: no thread). The handler polls every watched socket
 * at once (one poll(2), no wait) and drains the readable ones with non-blocking recvmsg.
 *
 * SIGIO is a standard signal, so several arrivals may give one callback: each callback drains
 * until EAGAIN, and a datagram that comes after that sends a new signal. The handler, once
 * installed, stays for the life of the process: SIGIO's default action ends the process, and a
 * signal raised just before a socket is unwatched must still find a handler.
 * A process that never watches a socket never installs it: services without `fdstore-max` pay
 * nothing.
 */
import { check } from './check.js';
import { close, getStatusFlags, O_NONBLOCK, setStatusFlags } from './index.js';
import { receiveFds } from './fd-passing.js';
import { c } from './libc.js';
import { readableNow } from './pidfd.js';

const F_SETOWN = 8;
const O_ASYNC = 0o20000;

type OnMessage = (message: Buffer, fds: number[]) => void;

const watched = new Map<number, DescriptorListener>();
let isHandlerInstalled = false;

function drainReadable(): void {
  const listeners = [...watched.values()];
  const readable = readableNow(listeners.map((listener) => listener.fd));
  listeners.forEach((listener, index) => {
    if (readable[index]) listener.drain();
  });
}

export class DescriptorListener {
  readonly fd: number;
  readonly #onMessage: OnMessage;
  #isClosed = false;

  /** Takes ownership of `fd` (a bound datagram socket); the first messages may already wait. */
  constructor(fd: number, onMessage: OnMessage) {
    this.fd = fd;
    this.#onMessage = onMessage;
    if (!isHandlerInstalled) {
      process.on('SIGIO', drainReadable);
      isHandlerInstalled = true;
    }
    check(c.fcntl(fd, F_SETOWN, 'int', process.pid) as number, 'fcntl');
    setStatusFlags(fd, getStatusFlags(fd) | O_ASYNC | O_NONBLOCK);
    watched.set(fd, this);
    // What arrived before O_ASYNC was set raised no signal.
    setImmediate(() => this.drain());
  }

  /** Every message waiting now, each with its descriptors (the callback owns them). */
  drain(): void {
    while (!this.#isClosed) {
      let received;
      try {
        received = receiveFds(this.fd);
      } catch {
        return; // a bound socket we hold does not fail; never crash the process over it
      }
      if (received === undefined) return;
      this.#onMessage(received.message, received.fds);
    }
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    watched.delete(this.fd);
    close(this.fd);
  }
}

