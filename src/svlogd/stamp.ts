/**
 * Line timestamps (SVL-9): `-t` TAI64N, `-tt` `YYYY-MM-DD_HH:MM:SS.xxxxx` (UTC), `-ttt` the same
 * with `T`, and ours, `-T`: local time in ISO 8601 with microseconds and the UTC offset. Every
 * stamp is followed by one space. A stamp is built once per distinct value and reused, since a
 * whole read chunk shares one.
 */
import { packTai64n, type Tai64n } from '../protocol/tai64n.js';

export type StampFormat = 'none' | 'tai64n' | 'utc' | 'iso' | 'local';

const HEX = '0123456789abcdef';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatTai(now: Tai64n): string {
  const bytes = new Uint8Array(12);
  packTai64n(now, bytes, 0);
  let text = '@';
  for (const byte of bytes) text += HEX[byte >> 4]! + HEX[byte & 15]!;
  return text;
}

/** `YYYY-MM-DD?HH:MM:SS.` of the UTC second. */
function utcSecond(seconds: number, separator: string): string {
  const d = new Date(seconds * 1000);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `${separator}${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.`
  );
}

function localOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function localSecond(seconds: number): { head: string; offset: string } {
  const d = new Date(seconds * 1000);
  return {
    head:
      `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}` +
      `T${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.`,
    offset: localOffset(d),
  };
}

/** The stamp text without the trailing space. */
export function formatStamp(format: StampFormat, now: Tai64n): string {
  switch (format) {
    case 'none':
      return '';
    case 'tai64n':
      return formatTai(now);
    case 'utc':
    case 'iso':
      // runit keeps the first five of the nine nanosecond digits.
      return utcSecond(now.seconds, format === 'utc' ? '_' : 'T') + pad(Math.floor(now.nanoseconds / 10000), 5);
    case 'local': {
      const { head, offset } = localSecond(now.seconds);
      return head + pad(Math.floor(now.nanoseconds / 1000), 6) + offset;
    }
  }
}

/** Caches the last stamp (and the last second's date text) so equal times cost nothing. */
export class Stamper {
  private lastSeconds = -1;
  private lastNanos = -1;
  private lastStamp: Buffer = Buffer.alloc(0);
  private secondText = '';
  private offsetText = '';

  readonly format: StampFormat;

  constructor(format: StampFormat) {
    this.format = format;
  }

  /** The stamp plus one space, as bytes (empty when no stamps are wanted). */
  stamp(now: Tai64n): Buffer {
    if (this.format === 'none') return this.lastStamp;
    if (now.seconds === this.lastSeconds && now.nanoseconds === this.lastNanos) return this.lastStamp;
    let text: string;
    if (this.format === 'tai64n') {
      text = formatTai(now);
    } else {
      if (now.seconds !== this.lastSeconds) {
        if (this.format === 'local') {
          const { head, offset } = localSecond(now.seconds);
          this.secondText = head;
          this.offsetText = offset;
        } else {
          this.secondText = utcSecond(now.seconds, this.format === 'utc' ? '_' : 'T');
        }
      }
      text =
        this.format === 'local'
          ? this.secondText + pad(Math.floor(now.nanoseconds / 1000), 6) + this.offsetText
          : this.secondText + pad(Math.floor(now.nanoseconds / 10000), 5);
    }
    this.lastSeconds = now.seconds;
    this.lastNanos = now.nanoseconds;
    this.lastStamp = Buffer.from(text + ' ', 'latin1');
    return this.lastStamp;
  }
}
