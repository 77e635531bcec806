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
import { formatStamp, type StampMode } from './stamp.js';
import type { UdpSender } from './udp.js';

const NEWLINE = Uint8Array.of(0x0a);
const ELLIPSIS = Buffer.from('...');
const NO_SOCKET = Buffer.from('warning: no udp socket available: ');
const SEND_FAILED = Buffer.from('warning: failure sending through udp: ');

/** The stderr and UDP form of a line's first part: `...` when it was cut at `-l`, then a newline. */
function withEnding(head: readonly Uint8Array[], isTruncated: boolean): Buffer {
  return Buffer.concat(isTruncated ? [...head, ELLIPSIS, NEWLINE] : [...head, NEWLINE]);
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
      for (const dir of this.receivers()) await dir.buffer.putEach(event.bytes);
    } else {
      await this.endLine();
    }
  }

  private *receivers(): Generator<LogDir> {
    for (const dir of this.dirs) if (dir.isOpen && dir.isSelected && !dir.config.isUdpOnly) yield dir;
  }

  private async endLine(): Promise<void> {
    for (const dir of this.receivers()) {
      await dir.buffer.putEach(NEWLINE);
      await dir.buffer.flush();
    }
  }

  private async emitHead(text: Uint8Array, stamp: Tai64n | undefined): Promise<void> {
    const stampBytes =
      this.stampMode === 0 || stamp === undefined ? new Uint8Array(0) : Buffer.from(formatStamp(this.stampMode, stamp));
    const isTruncated = text.length === this.ctx.lineMax;
    for (const dir of this.dirs) {
      if (!dir.isOpen) continue;
      const { config } = dir;
      const selection =
        config.instructions.length === 0 ? { isForDir: true, isForStderr: false } : selectLine(config.instructions, text);
      dir.isSelected = selection.isForDir;
      const head = [stampBytes, config.prefix, text];
      if (selection.isForStderr) {
        this.ctx.writeStderr(withEnding(head, isTruncated));
      }
      if (!dir.isSelected) continue;
      if (config.udp !== undefined) await this.sendUdp(dir, head, isTruncated);
      if (!config.isUdpOnly) for (const part of head) await dir.buffer.put(part);
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
