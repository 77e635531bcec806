/**
 * supervise/control held open for reading and writing (IMP-2): being a writer ourselves means
 * reads never see end-of-file and writers never block on open. One O_RDWR descriptor does both
 * (Linux defines open(2) of a FIFO for reading and writing; runit holds two): one process holds
 * one or two of these per service, and its descriptor table is shared by all (issue 14, fault 5).
 * Read through epoll via net.Socket, never the libuv threadpool, so hundreds of in-process
 * supervisors need no threads.
 */
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';

export interface ControlFifo {
  /** Reads the FIFO again after `onBytes` returned false. */
  resume(): void;
  close(): void;
}

/**
 * Opens both ends; throws the open error (callers turn it into runit's fatal message). When
 * `onBytes` returns false the FIFO is no longer read until `resume()`: what writers send then
 * waits in the kernel's pipe, and a full pipe blocks them (or fails their non-blocking write),
 * as runit's does, instead of growing this process (issue 14, fault 7).
 */
export function openControlFifo(path: string, onBytes: (bytes: string) => boolean): ControlFifo {
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('data', (chunk: Buffer) => {
    if (!onBytes(chunk.toString('latin1'))) socket.pause();
  });
  socket.on('error', ignoreError);
  return new OpenFifo(socket);
}

// A FIFO we hold for reading and writing cannot fail in normal operation; never let it crash the process (and every Supervisor in it).
function ignoreError(): void {}

/** A class, not a closure: one process may keep one or two of these per service. */
class OpenFifo implements ControlFifo {
  readonly #socket: Socket;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  resume(): void {
    this.#socket.resume();
  }

  /** The socket owns the descriptor: destroying it closes the FIFO. */
  close(): void {
    this.#socket.destroy();
  }
}
