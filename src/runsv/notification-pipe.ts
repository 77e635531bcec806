/**
 * s6's `notification-fd`: a pipe per instance of ./run, whose write end the child gets as fd N.
 * The instance is ready when a newline arrives (what precedes it is ignored); the read end is
 * then closed, as s6-supervise does, so the pipe costs nothing for the rest of the child's life.
 * Read through epoll via net.Socket (a pipe is a stream libuv knows), never a thread.
 */
import { Socket } from 'node:net';
import { close, O_CLOEXEC, pipe2 } from '../sys/index.js';

export class NotificationPipe {
  /** Given to the child as fd N; closed here once the child has it (`childHasIt`). */
  readonly writeFd: number;
  readonly #readFd: number;
  #socket: Socket | undefined;
  #isWriteOpen = true;

  constructor() {
    [this.#readFd, this.writeFd] = pipe2(O_CLOEXEC);
  }

  /** After the spawn: only the child may hold the write end, so its death reads as end-of-file. */
  childHasIt(onReady: () => void): void {
    this.#closeWrite();
    const socket = new Socket({ fd: this.#readFd, readable: true, writable: false });
    socket.on('data', (chunk: Buffer) => {
      if (!chunk.includes(0x0a)) return;
      socket.destroy();
      onReady();
    });
    socket.on('end', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    this.#socket = socket;
  }

  /** The spawn failed: both ends go. */
  discard(): void {
    this.#closeWrite();
    if (this.#socket === undefined) close(this.#readFd);
  }

  #closeWrite(): void {
    if (!this.#isWriteOpen) return;
    this.#isWriteOpen = false;
    close(this.writeFd);
  }
}
