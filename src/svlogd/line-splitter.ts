/**
 * Cuts input into svlogd's lines (SVL-6, SVL-7). A line's first part holds at most `lineMax`
 * bytes, with replacement applied; what follows in a longer line is passed on as raw `rest`
 * bytes. Events are produced on demand, so a line's stamp is taken when its first byte is
 * consumed, as runit takes it.
 */
import type { Tai64n } from '../protocol/tai64n.js';

export type LineEvent =
  /** The first part of a line. `isComplete`: its newline came within `lineMax` bytes. */
  | { kind: 'head'; text: Uint8Array; stamp: Tai64n | undefined; isComplete: boolean }
  /** More bytes of a long line (never replaced, newline excluded). */
  | { kind: 'rest'; bytes: Uint8Array }
  /** A long line's newline (or the end of input in its middle). */
  | { kind: 'eol' };

const NEWLINE = 0x0a;

/** Which bytes `-r`/`-R` replace: everything outside 32..126, plus the `-R` characters. */
export function replacementTable(extra: Uint8Array): Uint8Array {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = byte < 32 || byte > 126 ? 1 : 0;
  for (const byte of extra) table[byte] = 1;
  return table;
}

export interface SplitterOptions {
  lineMax: number;
  /** The replacement byte and the table of bytes it replaces; undefined = no replacement. */
  replace: { byte: number; table: Uint8Array } | undefined;
  /** Called when a line's first byte is consumed; undefined = no stamps wanted. */
  stamp: (() => Tai64n) | undefined;
}

export class LineSplitter {
  private readonly head: Uint8Array;
  private headLength = 0;
  private isLineStarted = false;
  private isInRest = false;
  private lineStamp: Tai64n | undefined;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private readonly options: SplitterOptions;

  constructor(options: SplitterOptions) {
    this.options = options;
    this.head = new Uint8Array(options.lineMax);
  }

  /** The next chunk of input. The previous one must have been drained by `next()`. */
  feed(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.at = 0;
  }

  /** Whether a long line's first part went out and its newline has not come yet. */
  get isInLongLine(): boolean {
    return this.isInRest;
  }

  /**
   * The next event from the fed chunk, or undefined once it is used up. Event bytes are views
   * that stay valid only until the following call.
   */
  next(): LineEvent | undefined {
    const { chunk } = this;
    if (this.isInRest) {
      if (this.at >= chunk.length) return undefined;
      const newline = chunk.indexOf(NEWLINE, this.at);
      if (newline === this.at) {
        this.at++;
        this.isInRest = false;
        return { kind: 'eol' };
      }
      const end = newline === -1 ? chunk.length : newline;
      const bytes = chunk.subarray(this.at, end);
      this.at = end;
      return { kind: 'rest', bytes };
    }
    while (this.at < chunk.length) {
      if (!this.isLineStarted) {
        this.isLineStarted = true;
        this.lineStamp = this.options.stamp?.();
      }
      const room = this.options.lineMax - this.headLength;
      const limit = Math.min(chunk.length, this.at + room);
      let newline = chunk.indexOf(NEWLINE, this.at);
      if (newline >= limit) newline = -1;
      const end = newline === -1 ? limit : newline;
      this.copyIntoHead(chunk.subarray(this.at, end));
      this.at = newline === -1 ? end : end + 1;
      if (newline !== -1) return this.takeHead(true);
      if (this.headLength === this.options.lineMax) {
        this.isInRest = true;
        return this.takeHead(false);
      }
    }
    return undefined;
  }

  /** End of input: a short unfinished line is dropped; a long one is ended (SVL-11). */
  end(): LineEvent | undefined {
    this.headLength = 0;
    this.isLineStarted = false;
    if (!this.isInRest) return undefined;
    this.isInRest = false;
    return { kind: 'eol' };
  }

  private copyIntoHead(bytes: Uint8Array): void {
    const { replace } = this.options;
    if (replace === undefined) {
      this.head.set(bytes, this.headLength);
      this.headLength += bytes.length;
      return;
    }
    for (const byte of bytes) this.head[this.headLength++] = replace.table[byte] === 1 ? replace.byte : byte;
  }

  private takeHead(isComplete: boolean): LineEvent {
    const text = this.head.subarray(0, this.headLength);
    this.headLength = 0;
    this.isLineStarted = false;
    return { kind: 'head', text, stamp: this.lineStamp, isComplete };
  }
}
