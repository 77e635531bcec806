/**
 * Datagrams of a unix socket, delivered by libuv without a thread or a poll. Node's dgram has no
 * unix sockets, and net.Socket({fd}) refuses a datagram socket (libuv's guess_handle only knows
 * stream ones), so the socket is opened as a libuv pipe handle (`pipe_wrap`, the handle
 * net.Socket uses for unix streams): libuv then read(2)s it from epoll, and read(2) on a datagram
 * socket returns exactly one datagram, so each 'data' chunk is one message. Measured
 * (docs/extensions.md): a blocking recv through koffi's async call holds one libuv threadpool
 * thread per socket (four by default, shared with fs), and polling costs a wake-up per service.
 *
 * An empty datagram reads as 0 bytes, which libuv takes for end-of-file and stops reading; so
 * each handle owns a duplicate of the socket, and another is opened when one ends.
 */
import { Socket } from 'node:net';
import { close, dupCloexec } from './index.js';

interface PipeWrap {
  Pipe: new (type: number) => { open(fd: number): number };
  constants: { SOCKET: number };
}

let pipeWrap: PipeWrap | undefined;

function loadPipeWrap(): PipeWrap {
  // process.binding is deprecated for the internals it reaches; pipe_wrap is on its allow-list.
  pipeWrap ??= (process as unknown as { binding(name: string): PipeWrap }).binding('pipe_wrap');
  return pipeWrap;
}

export class DatagramListener {
  readonly #fd: number;
  readonly #onMessage: (message: Buffer) => void;
  #socket: Socket | undefined;
  #isClosed = false;

  /** Takes ownership of `fd` (a bound, non-blocking datagram socket). */
  constructor(fd: number, onMessage: (message: Buffer) => void) {
    this.#fd = fd;
    this.#onMessage = onMessage;
    this.#listen();
  }

  #listen(): void {
    const { Pipe, constants } = loadPipeWrap();
    const handle = new Pipe(constants.SOCKET);
    const copy = dupCloexec(this.#fd);
    if (handle.open(copy) !== 0) {
      close(copy);
      return;
    }
    const socket = new Socket({ handle, readable: true, writable: false } as unknown as ConstructorParameters<typeof Socket>[0]);
    socket.on('data', (chunk: Buffer) => this.#onMessage(chunk));
    socket.on('error', () => undefined); // a socket we hold cannot fail; never crash the process
    socket.on('end', () => {
      socket.destroy();
      if (!this.#isClosed) this.#listen();
    });
    this.#socket = socket;
  }

  close(): void {
    this.#isClosed = true;
    this.#socket?.destroy();
    this.#socket = undefined;
    close(this.#fd);
  }
}
