/**
 * The quality check recorded with every still: too dark (mean luma below the camera's
 * `dark_below`), frozen (byte-identical to the camera's previous still: a live sensor's noise
 * never encodes to the same JPEG twice, a hung driver re-delivering one buffer does), or ok. Pure.
 */
import { createHash } from 'node:crypto';

export type StillQuality = 'ok' | 'dark' | 'frozen';

/** SHA-256 of the JPEG bytes, hex. */
export const stillDigest = (jpeg: Uint8Array): string => createHash('sha256').update(jpeg).digest('hex');

/**
 * `frozen` wins over `dark` (a frozen dark frame says more about the camera than the room).
 * `luma` undefined (not measured) never counts as dark.
 */
export function judgeStill(input: {
  digest: string;
  previousDigest?: string | undefined;
  luma?: number | undefined;
  darkBelow: number;
}): StillQuality {
  if (input.previousDigest !== undefined && input.previousDigest === input.digest) return 'frozen';
  if (input.luma !== undefined && input.luma < input.darkBelow) return 'dark';
  return 'ok';
}
