/**
 * The few system calls a client makes on a service directory, synchronous and non-blocking, with
 * the errno left on the thrown error so `sv` can print runit's words and the Client can map it to
 * a RunitError. Every open is O_NONBLOCK: a FIFO with no reader fails with ENXIO instead of
 * hanging (RSV-5, RSV-6).
 */
import { closeSync, constants, openSync, readSync, statSync, writeSync } from 'node:fs';

const WRITE_OPEN = constants.O_WRONLY | constants.O_NONBLOCK;
const READ_OPEN = constants.O_RDONLY | constants.O_NONBLOCK;

/** `name` inside `dir`, kept relative when `dir` is the current directory (sv works there). */
export function under(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir}/${name}`;
}

/**
 * Write-opens `supervise/<fifo>` and closes it again: succeeds iff a supervisor holds the FIFO
 * open for reading (RSV-5). Throws the errno error (ENXIO: no supervisor; ENOENT: never ran).
 */
export function probeFifo(dir: string, fifo: 'ok' | 'control'): void {
  closeSync(openSync(under(dir, `supervise/${fifo}`), WRITE_OPEN));
}

/**
 * Reads the status record with one read(2) of up to `buffer.length` bytes, as sv does (SV-5).
 * Returns the byte count; the caller decides whether it is a valid size.
 */
export function readStatusFile(dir: string, buffer: Uint8Array): number {
  const fd = openSync(under(dir, 'supervise/status'), READ_OPEN);
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `supervise/control` O_WRONLY|O_NONBLOCK, writes `bytes` in a single write(2) and closes
 * it (SV-8). Never blocks: no reader gives ENXIO, a full pipe gives EAGAIN. Returns the count
 * written, which the caller compares with the length (a short write is an error for sv).
 */
export function writeControlFile(dir: string, bytes: string): number {
  const fd = openSync(under(dir, 'supervise/control'), WRITE_OPEN);
  try {
    return writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * sv's "normally up": `down` does not exist (SV-6). Throws for stat errors other than ENOENT,
 * which sv reports as a warning.
 */
export function isNormallyUp(dir: string): boolean {
  try {
    statSync(under(dir, 'down'));
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** The errno name of a thrown Node error, or undefined. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
