/**
 * A directory's write buffer, with the flush points of runit's buffer_put: text that does not
 * fit flushes what is buffered first, text longer than the whole buffer goes out directly in
 * pieces of at most max(size, 8192) bytes. Where writes are cut decides where a size-limited
 * `current` may rotate (SVL-13), so the shape matters.
 */

const DIRECT_WRITE_SIZE = 8192;

/** Writes some of the bytes (a prefix) and says how many; may wait (rotation, pauses). */
export type ChunkWriter = (bytes: Uint8Array) => Promise<number>;

export class DirBuffer {
  private readonly data: Uint8Array;
  private used = 0;
  private readonly write: ChunkWriter;

  constructor(size: number, write: ChunkWriter) {
    this.data = new Uint8Array(size);
    this.write = write;
  }

  /** Bytes waiting to be written. */
  get length(): number {
    return this.used;
  }

  /** Appends bytes, flushing as buffer_put does when they do not fit. */
  async put(bytes: Uint8Array): Promise<void> {
    const size = this.data.length;
    if (bytes.length > size - this.used) {
      await this.flush();
      let piece = Math.max(size, DIRECT_WRITE_SIZE);
      while (bytes.length > size) {
        piece = Math.min(piece, bytes.length);
        await this.writeAll(bytes.subarray(0, piece));
        bytes = bytes.subarray(piece);
      }
    }
    this.data.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Appends bytes one at a time in effect (runit's buffer_PUTC): a full buffer is flushed first. */
  async putEach(bytes: Uint8Array): Promise<void> {
    while (bytes.length > 0) {
      if (this.used === this.data.length) await this.flush();
      const take = Math.min(bytes.length, this.data.length - this.used);
      this.data.set(bytes.subarray(0, take), this.used);
      this.used += take;
      bytes = bytes.subarray(take);
    }
  }

  /** Writes out what is buffered. The buffer counts as empty before the write starts, as in runit. */
  async flush(): Promise<void> {
    const length = this.used;
    if (length === 0) return;
    this.used = 0;
    await this.writeAll(this.data.subarray(0, length));
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    while (bytes.length > 0) bytes = bytes.subarray(await this.write(bytes));
  }
}
