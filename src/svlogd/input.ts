/**
 * Reading the log input. Pipes, FIFOs and sockets are read through a net.Socket (epoll, never
 * the libuv threadpool); a tty through tty.ReadStream; a regular file or other device with plain
 * reads. The stream owns a close-on-exec duplicate, so stopping it leaves the caller's fd open
 * with every unread byte still in the pipe.
 */
import { fstatSync, readSync } from 'node:fs';
import { Socket, type SocketConstructorOpts } from 'node:net';
import { constants } from 'node:os';
import { isatty, ReadStream } from 'node:tty';
import { errorCode } from '../errors.js';
import { dupCloexec } from '../sys/index.js';

export interface InputHandlers {
  /**
   * Data read. `data` is a view of one reused buffer: the handler must be done with it (or copy
   * it) when it returns. false: pause the input.
   */
  chunk(data: Buffer): boolean;
  end(): void;
  /**
   * A read error other than EAGAIN/EINTR: runit warns `unable to read standard input` and
   * treats it as the end. Nothing more is read or handed over after it.
   */
  error(error: unknown): void;
}

export interface Input {
  pause(): void;
  resume(): void;
  /** Stops reading; returns what was read but not yet handed over. */
  stop(): Buffer[];
  /**
   * One byte straight from the fd (to finish a line at TERM without reading past it). A read
   * error goes to `handlers.error` first, then reads as 'eof', as in runit.
   */
  readByte(): number | 'again' | 'eof';
}

/**
 * A regular file never blocks: read that much of it (in reads of the buffer size) before giving
 * the event loop a turn.
 */
const FILE_BATCH = 65536;

/** EAGAIN and EINTR: nothing to read yet; runit's buffer_pread reads again. */
function isReadAgain(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EAGAIN' || code === 'EINTR';
}

/** A failed system call on the input (what runit's read(2) would report), not a bug. */
export function isInputError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && code in constants.errno;
}

function readOneByte(fd: number, handlers: InputHandlers): number | 'again' | 'eof' {
  const one = Buffer.alloc(1);
  try {
    return readSync(fd, one, 0, 1, null) === 0 ? 'eof' : one[0]!;
  } catch (error) {
    if (isReadAgain(error)) return 'again';
    if (!isInputError(error)) throw error;
    handlers.error(error);
    return 'eof';
  }
}

function streamInput(fd: number, handlers: InputHandlers, readSize: number): Input {
  const copy = dupCloexec(fd);
  let stream: Socket;
  if (isatty(fd)) {
    stream = new ReadStream(copy);
    stream.on('data', (data: Buffer) => {
      if (!handlers.chunk(data)) stream.pause();
    });
  } else {
    // One buffer for every read: no allocation per chunk, and pause() stops reading at once.
    // libuv reads again at once (up to 32 times) while the pipe has more, so a small buffer
    // costs a callback per read, not a trip through epoll.
    const buffer = Buffer.allocUnsafe(readSize);
    const onread = { buffer, callback: (count: number, buf: Uint8Array) => handlers.chunk(Buffer.from(buf.buffer, buf.byteOffset, count)) };
    // `onread` works on any net.Socket; @types/node only declares it for connect().
    stream = new Socket({ fd: copy, readable: true, writable: false, onread } as SocketConstructorOpts);
  }
  stream.on('end', () => handlers.end());
  stream.on('error', (error) => handlers.error(error));
  let isStopped = false;
  return {
    pause: () => stream.pause(),
    resume: () => {
      if (!isStopped) stream.resume();
    },
    stop() {
      if (isStopped) return [];
      isStopped = true;
      stream.pause();
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
      const rest: Buffer[] = [];
      for (let data = stream.read() as Buffer | null; data !== null; data = stream.read() as Buffer | null) {
        rest.push(data);
      }
      // Synchronous close: libuv reads nothing more, the rest stays in the pipe.
      stream.on('error', () => {});
      stream.destroy();
      return rest;
    },
    readByte: () => readOneByte(fd, handlers),
  };
}

/** Regular files never block: read a batch of buffers, yielding to the event loop between. */
function fileInput(fd: number, handlers: InputHandlers, readSize: number): Input {
  let isPaused = false;
  let isStopped = false;
  let isScheduled = false;
  const data = Buffer.allocUnsafe(readSize);
  const pump = (): void => {
    isScheduled = false;
    for (let batch = 0; batch < FILE_BATCH && !isPaused && !isStopped; batch += readSize) {
      let count: number;
      try {
        count = readSync(fd, data, 0, data.length, null);
      } catch (error) {
        if (isReadAgain(error)) return schedule(10);
        isStopped = true;
        return handlers.error(error);
      }
      if (count === 0) {
        isStopped = true;
        return handlers.end();
      }
      if (!handlers.chunk(data.subarray(0, count))) isPaused = true;
    }
    if (!isPaused) schedule(0);
  };
  const schedule = (millis: number): void => {
    if (isScheduled || isStopped) return;
    isScheduled = true;
    if (millis === 0) setImmediate(pump);
    else setTimeout(pump, millis);
  };
  schedule(0);
  return {
    pause: () => (isPaused = true),
    resume: () => {
      isPaused = false;
      schedule(0);
    },
    stop: () => {
      isStopped = true;
      return [];
    },
    readByte: () => readOneByte(fd, handlers),
  };
}

/**
 * Reads `fd` in reads of at most `readSize` bytes (svlogd's -b), each handed over before the next
 * read: what svlogd has read but not yet written is lost if it is killed (SIGKILL, OOM), and
 * runit's svlogd keeps that to one buffer of -b bytes (issue 14, fault 3).
 */
export function openInput(fd: number, handlers: InputHandlers, readSize: number): Input {
  const st = fstatSync(fd);
  if (st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && isatty(fd))) return streamInput(fd, handlers, readSize);
  return fileInput(fd, handlers, readSize);
}
