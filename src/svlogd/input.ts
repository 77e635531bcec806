/**
 * svlogd's standard input, read in pieces of an exact size: `-b` bytes normally, one byte at a
 * time after TERM in the middle of a line (SVL-11), so input svlogd does not consume stays in
 * the pipe for the next logger. Pipes and sockets are read through libuv with a caller-sized
 * buffer (never through the thread pool); regular files and devices through fs.read.
 */

/** How often the one-byte reads after TERM look for input (see StreamInput.setMax). */
const TRICKLE_POLL_MILLIS = 10;
import { fstatSync, read, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { isatty, ReadStream } from 'node:tty';

export interface InputSource {
  /**
   * The next piece of input, at most `max` bytes, or null at the end of input or on an error
   * (then `error` is set). Call again only once the previous read has settled; the bytes stay
   * valid until then.
   */
  read(max: number): Promise<Uint8Array | null>;
  /** Changes the size of the read in progress (one byte after TERM in mid-line). */
  setMax(max: number): void;
  readonly error: unknown;
  close(): void;
}

class StreamInput implements InputSource {
  error: unknown;
  private max: number;
  private readonly fd: number;
  /** Reading with readSync polls instead of libuv (after the read size went down). */
  private isTrickling = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private deliver: ((chunk: Uint8Array | null) => void) | undefined;
  private early: Uint8Array | null | undefined;
  private readonly socket: Socket;

  constructor(fd: number, initialMax: number) {
    this.fd = fd;
    this.max = initialMax;
    const onread = {
      buffer: () => Buffer.allocUnsafe(this.max),
      callback: (length: number, buffer: Buffer): boolean => {
        this.settle(buffer.subarray(0, length));
        return false; // stop reading until the next read() asks for more
      },
    };
    const options = { fd, readable: true, writable: false, onread };
    this.socket = isatty(fd) ? new ReadStream(fd, options) : new Socket(options);
    this.socket.on('end', () => this.settle(null));
    this.socket.on('error', (error) => {
      this.error = error;
      this.settle(null);
    });
  }

  /**
   * Node sizes the next libuv read as soon as the previous one ends, so a smaller size cannot
   * reach a read already waiting. From then on the descriptor (non-blocking, as libuv set it)
   * is read directly, polling; this only happens on the way out after TERM.
   */
  setMax(max: number): void {
    if (max < this.max && !this.isTrickling) {
      this.isTrickling = true;
      this.socket.pause();
      if (this.deliver !== undefined) this.poll();
    }
    this.max = max;
  }

  read(max: number): Promise<Uint8Array | null> {
    this.setMax(max);
    if (this.early !== undefined) {
      const chunk = this.early;
      this.early = undefined;
      return Promise.resolve(chunk);
    }
    const pending = new Promise<Uint8Array | null>((resolve) => (this.deliver = resolve));
    if (this.isTrickling) this.poll();
    else this.socket.resume();
    return pending;
  }

  close(): void {
    clearTimeout(this.pollTimer);
    this.socket.destroy();
  }

  private poll(): void {
    clearTimeout(this.pollTimer);
    const buffer = Buffer.allocUnsafe(this.max);
    try {
      const length = readSync(this.fd, buffer, 0, this.max, null);
      this.settle(length === 0 ? null : buffer.subarray(0, length));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        this.pollTimer = setTimeout(() => this.poll(), TRICKLE_POLL_MILLIS);
      } else {
        this.error = error;
        this.settle(null);
      }
    }
  }

  private settle(chunk: Uint8Array | null): void {
    this.socket.pause();
    const deliver = this.deliver;
    this.deliver = undefined;
    // The socket starts reading on its own once; keep that piece for the first read().
    if (deliver === undefined) this.early ??= chunk;
    else deliver(chunk);
  }
}

class FileInput implements InputSource {
  error: unknown;
  private buffer = Buffer.alloc(0);
  private readonly fd: number;

  constructor(fd: number) {
    this.fd = fd;
  }

  setMax(): void {
    // A file read is already under way with its size; the next one takes the new size.
  }

  read(max: number): Promise<Uint8Array | null> {
    if (this.buffer.length < max) this.buffer = Buffer.alloc(max);
    return new Promise((resolve) => {
      read(this.fd, this.buffer, 0, max, null, (error, length) => {
        if (error) this.error = error;
        resolve(error || length === 0 ? null : this.buffer.subarray(0, length));
      });
    });
  }

  close(): void {
    // The descriptor belongs to the caller.
  }
}

/** An input over `fd` (0 for the CLI; a pipe's read end for an in-process logger). */
export function openInput(fd: number, initialMax: number): InputSource {
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket() || isatty(fd)) return new StreamInput(fd, initialMax);
  } catch {
    // A bad descriptor: fs.read reports it as runit's read would.
  }
  return new FileInput(fd);
}
