/**
 * Splits input into svlogd lines (SVL-6, SVL-7, SVL-11). A line's "first part" is at most
 * `lineMax` bytes; a line that reaches `lineMax` bytes is long and its remainder is passed on
 * as it arrives, unreplaced. Works on whole read chunks with Buffer.indexOf, and copies only a
 * line that straddles two chunks.
 */

export interface LineSink<S> {
  /**
   * A first part is complete: `buf[start, end)`, already replaced. `isWhole`: a short line and
   * `buf[end]` is its `\n`; otherwise a long line whose remainder follows through `rest`.
   */
  line(buf: Buffer, start: number, end: number, isWhole: boolean, stamp: S): void;
  /** More of a long line's remainder (no `\n` inside). */
  rest(buf: Buffer, start: number, end: number): void;
  /** The `\n` that ends a long line (or end of input inside one). */
  restEnd(): void;
  /** Asked before each new line: true stops `run()` until it is called again. */
  isFull(): boolean;
}

const START = 0;
const FIRST = 1;
const REST = 2;

/** A 256-entry table: the replacement byte, or -1 to keep the byte (SVL-7). */
export function makeReplaceTable(replacement: number, extra: Uint8Array): Int16Array {
  const table = new Int16Array(256).fill(-1);
  for (let b = 0; b < 256; b++) if (b < 32 || b > 126) table[b] = replacement;
  for (const b of extra) table[b] = replacement;
  return table;
}

export class LineSplitter<S> {
  private mode = START;
  private readonly carry: Buffer;
  private carryLength = 0;
  private carryStamp: S | undefined;
  private chunk: Buffer = Buffer.alloc(0);
  private stamp: S | undefined;
  private pos = 0;

  private readonly lineMax: number;
  private readonly replace: Int16Array | undefined;
  private readonly sink: LineSink<S>;

  constructor(lineMax: number, replace: Int16Array | undefined, sink: LineSink<S>) {
    this.lineMax = lineMax;
    this.replace = replace;
    this.sink = sink;
    // One byte more than a first part, for the `\n` of a short straddling line.
    this.carry = Buffer.alloc(lineMax + 1);
  }

  /** True when no line is half read (runit's "linecomplete"). */
  get isLineComplete(): boolean {
    return this.mode === START;
  }

  /** True while part of the fed chunk is still to be processed. */
  get hasInput(): boolean {
    return this.pos < this.chunk.length;
  }

  /** Hands over the next chunk; `stamp` is the time it was read. */
  feed(chunk: Buffer, stamp: S): void {
    this.chunk = chunk;
    this.pos = 0;
    this.stamp = stamp;
  }

  /** Keeps the unprocessed rest of `chunk` in a buffer of its own (the reader reuses it). */
  detach(chunk: Buffer): void {
    if (this.chunk === chunk && this.pos < chunk.length) {
      this.chunk = Buffer.from(chunk.subarray(this.pos));
      this.pos = 0;
    }
  }

  /** Processes the fed chunk; false if the sink asked to stop first. */
  run(): boolean {
    const chunk = this.chunk;
    const size = chunk.length;
    const lineMax = this.lineMax;
    const sink = this.sink;
    while (this.pos < size) {
      const pos = this.pos;
      if (this.mode === REST) {
        const nl = chunk.indexOf(10, pos);
        if (nl === -1) {
          sink.rest(chunk, pos, size);
          this.pos = size;
          break;
        }
        if (nl > pos) sink.rest(chunk, pos, nl);
        this.pos = nl + 1;
        this.mode = START;
        sink.restEnd();
      } else if (this.mode === START) {
        if (sink.isFull()) return false;
        const nl = chunk.indexOf(10, pos);
        const available = (nl === -1 ? size : nl) - pos;
        if (available >= lineMax) {
          this.replaceRange(chunk, pos, pos + lineMax);
          this.pos = pos + lineMax;
          this.mode = REST;
          sink.line(chunk, pos, pos + lineMax, false, this.stamp as S);
        } else if (nl === -1) {
          chunk.copy(this.carry, 0, pos, size);
          this.carryLength = available;
          this.carryStamp = this.stamp;
          this.mode = FIRST;
          this.pos = size;
        } else {
          this.replaceRange(chunk, pos, nl);
          this.pos = nl + 1;
          sink.line(chunk, pos, nl, true, this.stamp as S);
        }
      } else {
        this.continueFirst(chunk, pos, size);
      }
    }
    return true;
  }

  /** A first part that began in an earlier chunk. */
  private continueFirst(chunk: Buffer, pos: number, size: number): void {
    const need = this.lineMax - this.carryLength;
    const nl = chunk.indexOf(10, pos);
    const available = (nl === -1 ? size : nl) - pos;
    const take = Math.min(available, need);
    chunk.copy(this.carry, this.carryLength, pos, pos + take);
    this.carryLength += take;
    this.pos = pos + take;
    if (take === need) {
      this.replaceRange(this.carry, 0, this.lineMax);
      this.mode = REST;
      this.sink.line(this.carry, 0, this.lineMax, false, this.carryStamp as S);
    } else if (nl !== -1) {
      this.carry[this.carryLength] = 10;
      this.replaceRange(this.carry, 0, this.carryLength);
      this.pos = nl + 1;
      this.mode = START;
      this.sink.line(this.carry, 0, this.carryLength, true, this.carryStamp as S);
    }
  }

  /** End of input: a long line's remainder ends; an unfinished short line is dropped (SVL-11). */
  end(): void {
    if (this.mode === REST) this.sink.restEnd();
    this.mode = START;
    this.carryLength = 0;
  }

  private replaceRange(buf: Buffer, start: number, end: number): void {
    const table = this.replace;
    if (table === undefined) return;
    for (let i = start; i < end; i++) {
      const r = table[buf[i]!]!;
      if (r >= 0) buf[i] = r;
    }
  }
}
