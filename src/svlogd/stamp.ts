/**
 * Line timestamps (SVL-9): `-t` TAI64N, `-tt` `YYYY-MM-DD_HH:MM:SS.xxxxx` (UTC), `-ttt` the same
 * with `T`, and ours, `-T`: local time in ISO 8601 with microseconds and the UTC offset. Every
 * stamp is followed by one space. A stamp is built once per distinct value and reused, since a
 * whole read chunk shares one.
 */
import { TAI64N_TEXT_LENGTH, writeTai64nText, type Tai64n } from '../protocol/tai64n.js';

export type StampFormat = 'none' | 'tai64n' | 'utc' | 'iso' | 'local';

const SPACE = 0x20;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
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
    // A new buffer each time: chunks waiting to be written still hold the previous one.
    if (this.format === 'tai64n') {
      this.lastStamp = Buffer.allocUnsafe(TAI64N_TEXT_LENGTH + 1);
      writeTai64nText(now, this.lastStamp, 0);
      this.lastStamp[TAI64N_TEXT_LENGTH] = SPACE;
    } else {
      this.lastStamp = Buffer.from(this.dateText(now) + ' ', 'latin1');
    }
    this.lastSeconds = now.seconds;
    this.lastNanos = now.nanoseconds;
    return this.lastStamp;
  }

  /** `-tt`/`-ttt` keep runit's first five of the nine nanosecond digits, `-T` six. */
  private dateText(now: Tai64n): string {
    if (now.seconds !== this.lastSeconds) {
      if (this.format === 'local') {
        const { head, offset } = localSecond(now.seconds);
        this.secondText = head;
        this.offsetText = offset;
      } else {
        this.secondText = utcSecond(now.seconds, this.format === 'utc' ? '_' : 'T');
      }
    }
    return this.format === 'local'
      ? this.secondText + pad(Math.floor(now.nanoseconds / 1000), 6) + this.offsetText
      : this.secondText + pad(Math.floor(now.nanoseconds / 10000), 5);
  }
}
