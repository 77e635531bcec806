/**
 * supervise/control held open for reading and writing (IMP-2): the write end means reads never
 * see end-of-file and writers never block on open. Read through epoll via net.Socket, never the
 * libuv threadpool, so hundreds of in-process supervisors need no threads.
 */
import { closeSync, constants, openSync } from 'node:fs';
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
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let writeFd: number;
  try {
    writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    closeSync(readFd);
    throw error;
  }
  const socket = new Socket({ fd: readFd, readable: true, writable: false });
  socket.on('data', (chunk: Buffer) => {
    if (!onBytes(chunk.toString('latin1'))) socket.pause();
  });
  socket.on('error', ignoreError);
  return new OpenFifo(socket, writeFd);
}

// A FIFO we hold both ends of cannot fail in normal operation; never let it crash the process (and every Supervisor in it).
function ignoreError(): void {}

/** A class, not a closure: one process may keep one or two of these per service. */
class OpenFifo implements ControlFifo {
  readonly #socket: Socket;
  readonly #writeFd: number;

  constructor(socket: Socket, writeFd: number) {
    this.#socket = socket;
    this.#writeFd = writeFd;
  }

  resume(): void {
    this.#socket.resume();
  }

  close(): void {
    this.#socket.destroy();
    closeSync(this.#writeFd);
  }
}
