/**
 * runit's scan_ulong, the one number reader chpst, sv and svlogd share: the decimal digits
 * from `at`, wrapping modulo 2^64 as C's unsigned long does. `length` counts the digits; none
 * gives value 0 and length 0. `text` is a byte string (latin1: one char per byte) or bytes.
 */
export function scanUlong(text: string | Uint8Array, at = 0): { value: bigint; length: number } {
  let value = 0n;
  let end = at;
  for (;;) {
    // Past the end charCodeAt gives NaN and indexing undefined: both stop the loop.
    const byte = typeof text === 'string' ? text.charCodeAt(end) : text[end];
    if (byte === undefined || !(byte >= 0x30 && byte <= 0x39)) break;
    value = BigInt.asUintN(64, value * 10n + BigInt(byte - 0x30));
    end++;
  }
  return { value, length: end - at };
}
