/**
 * ESPHome's own limits on the strings that reach the firmware, mirrored so that a spec that
 * passes hearth also passes `esphome config` (esphome/core/config.py, config_validation.py):
 *  - `friendly_name` and `area`: at most 120 bytes of UTF-8 (`FRIENDLY_NAME_MAX_LEN`,
 *    `cv.ByteLength`: "Multibyte characters count as multiple bytes"; "Küche" is 6 bytes);
 *  - `comment`: at most 255 bytes (`COMMENT_MAX_LEN`);
 *  - entity names: at most 120 bytes (`NAME_MAX_LENGTH`);
 *  - no `/` in friendly_name, area or entity names (`string_no_slash`): ESPHome replaces it
 *    with U+2044 FRACTION SLASH and warns today, and refuses it from ESPHome 2027.7.0; hearth
 *    warns the same way.
 */
import { z } from 'zod';
import { configWarning, type ConfigIssue } from './issues.js';

export const FRIENDLY_NAME_MAX_BYTES = 120;
export const COMMENT_MAX_BYTES = 255;
export const ENTITY_NAME_MAX_BYTES = 120;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A string field ESPHome limits in UTF-8 bytes; the message gives bytes and characters. */
export function byteLimited(max: number, rule: string) {
  return z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      const bytes = utf8Bytes(text);
      if (bytes <= max) return;
      const chars = [...text].length;
      const multibyte = bytes !== chars ? ` (${chars} characters; letters like "ü" take 2 bytes or more)` : '';
      ctx.addIssue({
        code: 'custom',
        message: `is ${bytes} bytes in UTF-8${multibyte}; ESPHome allows at most ${max} bytes (${rule}); shorten it`,
      });
    });
}

/** Warnings for `/` in the named fields of a spec (ESPHome's `string_no_slash`). */
export function slashWarnings(file: string, fields: Record<string, string | undefined>): ConfigIssue[] {
  return Object.entries(fields).flatMap(([path, text]) =>
    text?.includes('/')
      ? [
          configWarning(
            file,
            path,
            `"${text}" contains "/", which ESPHome reserves for web server URLs: today it replaces it with "⁄" (U+2044) and warns, from ESPHome 2027.7 it refuses it; write e.g. "${text.replaceAll('/', ' & ')}" or "${text.replaceAll('/', '⁄')}"`,
          ),
        ]
      : [],
  );
}
