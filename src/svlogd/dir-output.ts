/**
 * The bytes waiting to be written to one directory's `current`, and where rotations fall in
 * them (SVL-13). runit checks the size at each buffer flush; the outcome only depends on the
 * byte count and on where lines end, so we plan the same rotation points while appending and
 * write large blocks between them:
 * - `current` never grows past the max size: a rotation is placed before the byte that would
 *   exceed it (lines can be split across files, as in runit);
 * - after a line's `\n`, rotate when size >= max - lineMax (never when max < lineMax, as
 *   runit's unsigned subtraction wraps).
 */
const HIGH_WATER = 256 * 1024;

export class DirOutput {
  buf: Buffer = Buffer.allocUnsafe(HIGH_WATER + 8192);
  length = 0;
  /** Offsets in `buf` where `current` must be rotated before writing on. */
  marks: number[] = [];
  /** The size `current` will have once everything here is written. */
  private plannedSize = 0;
  private sizeMax = 0;
  private threshold = Infinity;

  /** Sets the limits of the directory's config; `size` is the current file's size. */
  reset(sizeMax: number, lineMax: number, size: number): void {
    this.sizeMax = sizeMax;
    this.threshold = sizeMax >= lineMax ? sizeMax - lineMax : Infinity;
    this.plannedSize = size;
    this.length = 0;
    this.marks.length = 0;
  }

  /** `current` was rotated outside the planned points: plan on from its new `size`. */
  replan(size: number): void {
    this.plannedSize = size;
  }

  /** Everything written: start over at the front of the buffer. */
  clear(): void {
    this.length = 0;
    this.marks.length = 0;
  }

  get isFull(): boolean {
    return this.length >= HIGH_WATER;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  /** Appends bytes that are not the end of a line. */
  append(src: Uint8Array, start: number, end: number): void {
    const count = end - start;
    if (count <= 0) return;
    this.ensure(count);
    const buf = this.buf;
    if (this.sizeMax === 0 || this.plannedSize + count <= this.sizeMax) {
      if (count < 32) for (let i = 0; i < count; i++) buf[this.length + i] = src[start + i]!;
      else buf.set(src.subarray(start, end), this.length);
      this.length += count;
      this.plannedSize += count;
      return;
    }
    let from = start;
    while (from < end) {
      if (this.plannedSize >= this.sizeMax) this.mark();
      const take = Math.min(end - from, this.sizeMax - this.plannedSize);
      buf.set(src.subarray(from, from + take), this.length);
      this.length += take;
      this.plannedSize += take;
      from += take;
    }
  }

  /** A line's `\n` was appended last: the after-newline rotation rule. */
  lineEnd(): void {
    if (this.sizeMax !== 0 && this.plannedSize >= this.threshold) this.mark();
  }

  /** Appends `\n` and applies the line-end rule. */
  newline(): void {
    if (this.sizeMax !== 0 && this.plannedSize >= this.sizeMax) this.mark();
    this.ensure(1);
    this.buf[this.length++] = 10;
    this.plannedSize++;
    this.lineEnd();
  }

  /**
   * The common case in one step: `stamp`, `prefix`, `src[start, end)` and `\n` (`src[end]` must
   * be that `\n`).
   */
  line(stamp: Buffer, prefix: Buffer, src: Buffer, start: number, end: number): void {
    const total = stamp.length + prefix.length + (end - start) + 1;
    if (this.sizeMax !== 0 && this.plannedSize + total > this.sizeMax) {
      this.append(stamp, 0, stamp.length);
      this.append(prefix, 0, prefix.length);
      this.append(src, start, end);
      this.newline();
      return;
    }
    this.ensure(total);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < stamp.length; i++) buf[at++] = stamp[i]!;
    if (prefix.length > 0) at += prefix.copy(buf, at);
    at += src.copy(buf, at, start, end + 1);
    this.length = at;
    this.plannedSize += total;
    if (this.sizeMax !== 0 && this.plannedSize >= this.threshold) this.mark();
  }

  private mark(): void {
    this.marks.push(this.length);
    this.plannedSize = 0;
  }
}
