/**
 * A still is accepted only as one complete baseline or progressive JPEG: SOI (FFD8) first, a
 * frame header (SOF0–SOF15 except DHT/JPG/DAC) giving the size, segments well-formed up to the
 * scan, and EOI (FFD9) as the last two bytes (ITU-T T.81, Annex B). Pure.
 */

export interface JpegInfo {
  width: number;
  height: number;
}

/** Width and height of a complete JPEG; undefined when the bytes are not one (cut off, empty, other format). */
export function completeJpeg(bytes: Uint8Array): JpegInfo | undefined {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  if (bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) return undefined;
  let at = 2;
  let size: JpegInfo | undefined;
  while (at + 4 <= n) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2 || at + 2 + length > n) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && length >= 7) {
      size = { height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]! };
    }
    // Start of scan: entropy-coded data follows up to EOI (checked above).
    if (marker === 0xda) return size && size.width > 0 && size.height > 0 ? size : undefined;
    at += 2 + length;
  }
  return undefined;
}
