/**
 * runsvdir's readproctitle log (RSD-3, IMP-7): everything written to fd 2 by runsvdir and its
 * children scrolls through the `log` argument as shown by `ps`. Node cannot rewrite argv in
 * place, so the observable is process.title (comm kept at `runsvdir`): the first five characters of `log` stay, the rest
 * is a window of fixed width that scrolls left by one for each byte appended.
 */
import { Socket } from 'node:net';
import { showProcessTitle } from '../cli/process-name.js';
import { O_CLOEXEC, O_NONBLOCK, close, dup2, pipe2 } from '../sys/index.js';

export const MIN_LOG_LENGTH = 7;
const DOT_INTERVAL_MS = 900_000;

/** The pure part: the title text after each append. */
export class ScrollingWindow {
  readonly #head: string;
  #window: string;

  constructor(log: string) {
    this.#head = log.slice(0, 5);
    this.#window = log.slice(5);
  }

  /** Appends bytes (one char per byte, latin1); NUL bytes are dropped as runit does. */
  append(bytes: string): void {
    const width = this.#window.length;
    const kept = bytes.replaceAll('\0', '');
    if (kept.length === 0 || width === 0) return;
    this.#window = (this.#window + kept).slice(-width);
  }

  text(): string {
    return this.#head + this.#window;
  }
}

export interface ProctitleLog {
  /** Puts text into the window directly (runsvdir's own lines: no round trip through the pipe). */
  append(text: string): void;
  /** Call after each check: the first call writes the first dot (it follows the first scan). */
  startDots(): void;
  close(): void;
}

/**
 * Makes fd 2 the write end of a pipe (inherited by every child) and shows what arrives in the
 * process title after `titlePrefix`. Throws SysError when the pipe cannot be set up; the caller
 * prints runit's message and goes on without a log.
 */
export function startProctitleLog(titlePrefix: string, log: string): ProctitleLog {
  const window = new ScrollingWindow(log);
  const show = (): void => {
    // Each title also sets comm; runsvdir's stays `runsvdir`, for `pidof runsvdir` (issue 15).
    showProcessTitle('runsvdir', titlePrefix + window.text());
  };
  const [readEnd, writeEnd] = pipe2(O_NONBLOCK | O_CLOEXEC);
  try {
    dup2(writeEnd, 2);
  } catch (error) {
    close(readEnd);
    close(writeEnd);
    throw Object.assign(error as Error, { step: 'dup2' });
  }
  close(writeEnd);
  const reader = new Socket({ fd: readEnd, readable: true, writable: false });
  reader.setEncoding('latin1');
  reader.on('data', (chunk: string) => {
    window.append(chunk);
    show();
  });
  reader.on('error', () => {});
  reader.unref();
  const dot = (): void => {
    window.append('.');
    show();
  };
  let timer: NodeJS.Timeout | undefined;
  show();
  return {
    startDots() {
      // A dot after the first check and every 900 s scrolls old messages away (RSD-3).
      if (timer !== undefined) return;
      dot();
      timer = setInterval(dot, DOT_INTERVAL_MS);
      timer.unref();
    },
    append(text: string) {
      window.append(Buffer.from(text).toString('latin1'));
      show();
    },
    close() {
      clearInterval(timer);
      reader.destroy();
    },
  };
}
