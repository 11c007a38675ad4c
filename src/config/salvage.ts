/**
 * What of a value that failed its schema is still good: every field that parses on its own,
 * as the schema would output it (defaults applied), the failing ones left out. The checks that
 * follow the schema (a device's pins against its board, ESPHome's string rules) then run on a
 * spec with a missing or bad key too, so a file shows all its errors in one run instead of one
 * stage's at a time. Pure.
 */
import type { z } from 'zod';
import { defOf } from './zod-issues.js';

/** Recursively makes every property optional (what salvage can promise about its output). */
export type DeepPartial<T> = T extends readonly (infer E)[]
  ? (DeepPartial<E> | undefined)[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `value` parsed by `schema` as far as it goes: the parsed output where the whole parses;
 * else, for an object, each field salvaged on its own (unknown keys and fields that fail are
 * dropped, missing ones with a default get it); for a discriminated union, the alternative its
 * discriminator names; for an array, each element. Anything else that fails (a leaf, a
 * transform, an object's cross-field refinement) gives `undefined`.
 */
export function salvage<S extends z.ZodType>(schema: S, value: unknown): DeepPartial<z.output<S>> | undefined {
  return salvageAny(schema, value) as DeepPartial<z.output<S>> | undefined;
}

function salvageAny(schema: z.ZodType, value: unknown): unknown {
  const whole = schema.safeParse(value);
  if (whole.success) return whole.data;
  if (value === undefined) return undefined;
  const def = defOf(schema);
  // optional / default / nullable / readonly: the value is there, so its inner schema decides.
  if (def.innerType) return salvageAny(def.innerType, value);
  if (def.type === 'object' && def.shape && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(def.shape)) {
      const part = salvageAny(field, value[key]);
      if (part !== undefined) out[key] = part;
    }
    return out;
  }
  if (def.type === 'union' && def.options && def.discriminator !== undefined && isRecord(value)) {
    const wanted = value[def.discriminator];
    const named = def.options.filter((option) => {
      const field = defOf(option).shape?.[def.discriminator!];
      return field !== undefined && field.safeParse(wanted).success;
    });
    return named.length === 1 ? salvageAny(named[0]!, value) : undefined;
  }
  if (def.type === 'array' && def.element && Array.isArray(value)) return value.map((item) => salvageAny(def.element!, item));
  return undefined;
}
