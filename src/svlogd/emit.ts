/**
 * Where each line goes (SVL-10): for every open directory in command-line order, the pattern
 * verdict, the stderr copy, the UDP copy, then the directory's buffer. stderr and UDP get at
 * most `-l` bytes plus `...`; the file gets the whole line.
 */
import type { Tai64n } from '../protocol/tai64n.js';
import type { SvlogdContext } from './context.js';
import type { LineEvent } from './line-splitter.js';
import type { LogDir } from './logdir.js';
import { selectLine } from './pattern.js';
import { rotationMark } from './rotate.js';
import { formatStamp, type StampMode } from './stamp.js';
import type { UdpSender } from './udp.js';

const NEWLINE = Uint8Array.of(0x0a);
const NOTHING = new Uint8Array(0);
const EVERY_LINE_TO_DIR = { isForDir: true, isForStderr: false } as const;
const ELLIPSIS = Buffer.from('...');
const NO_SOCKET = Buffer.from('warning: no udp socket available: ');
const SEND_FAILED = Buffer.from('warning: failure sending through udp: ');

/** The stderr and UDP form of a line's first part: `...` when it was cut at `-l`, then a newline. */
function withEnding(head: readonly Uint8Array[], isTruncated: boolean): Buffer {
  return Buffer.concat(isTruncated ? [...head, ELLIPSIS, NEWLINE] : [...head, NEWLINE]);
}

/** Whether the directory takes the rest and the end of the line whose first part went out. */
function isReceiver(dir: LogDir): boolean {
  return dir.isOpen && dir.isSelected && !dir.config.isUdpOnly;
}

export class LineEmitter {
  private readonly ctx: SvlogdContext;
  private readonly dirs: readonly LogDir[];
  private readonly stampMode: StampMode;
  private readonly udp: UdpSender;

  constructor(ctx: SvlogdContext, dirs: readonly LogDir[], stampMode: StampMode, udp: UdpSender) {
    this.ctx = ctx;
    this.dirs = dirs;
    this.stampMode = stampMode;
    this.udp = udp;
  }

  async emit(event: LineEvent): Promise<void> {
    if (event.kind === 'head') {
      await this.emitHead(event.text, event.stamp);
      if (event.isComplete) await this.endLine();
    } else if (event.kind === 'rest') {
      for (const dir of this.dirs) if (isReceiver(dir)) await dir.buffer.putEach(event.bytes);
    } else {
      await this.endLine();
    }
  }

  /**
   * runit flushes after every line. Flushing only where it can matter gives the same files with
   * far fewer writes: a line end rotates only once `current` holds max - len bytes, so lines
   * below that mark wait in the buffer, which the engine flushes before it waits for input.
   */
  private async endLine(): Promise<void> {
    for (const dir of this.dirs) {
      if (!isReceiver(dir)) continue;
      await dir.buffer.putEach(NEWLINE);
      if (dir.size + dir.buffer.length >= rotationMark(this.ctx, dir)) await dir.buffer.flush();
    }
  }

  private async emitHead(text: Uint8Array, stamp: Tai64n | undefined): Promise<void> {
    const stampBytes =
      this.stampMode === 0 || stamp === undefined ? NOTHING : Buffer.from(formatStamp(this.stampMode, stamp), 'latin1');
    const isTruncated = text.length === this.ctx.lineMax;
    for (const dir of this.dirs) {
      if (!dir.isOpen) continue;
      const { config } = dir;
      const selection = config.instructions.length === 0 ? EVERY_LINE_TO_DIR : selectLine(config.instructions, text);
      dir.isSelected = selection.isForDir;
      if (selection.isForStderr) this.ctx.writeStderr(withEnding([stampBytes, config.prefix, text], isTruncated));
      if (!dir.isSelected) continue;
      if (config.udp !== undefined) await this.sendUdp(dir, [stampBytes, config.prefix, text], isTruncated);
      if (config.isUdpOnly) continue;
      if (stampBytes.length > 0) await dir.buffer.put(stampBytes);
      if (config.prefix.length > 0) await dir.buffer.put(config.prefix);
      await dir.buffer.put(text);
    }
  }

  private async sendUdp(dir: LogDir, head: Uint8Array[], isTruncated: boolean): Promise<void> {
    const datagram = withEnding(head, isTruncated);
    const result = await this.udp.send(dir.config.udp!, datagram);
    if (result === 'sent') return;
    // runit records the failure in the directory, ahead of the line itself.
    if (result === 'no-socket') {
      for (const part of [NO_SOCKET, ...head, NEWLINE]) await dir.buffer.put(part);
    } else {
      await dir.buffer.put(SEND_FAILED);
      await dir.buffer.put(datagram);
    }
    await dir.buffer.flush();
  }
}
