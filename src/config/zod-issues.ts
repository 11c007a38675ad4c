/**
 * zod issues → ConfigIssues a person can act on: the path as `button.pin`, the message in
 * words (`is required`, `unknown key "escalate_afer"; did you mean "escalate_after"?`).
 * Pure: needs the schema and the input that failed, nothing else.
 */
import type { z } from 'zod';
import { formatPath, type ConfigIssue } from './issues.js';
import { didYouMean } from './names.js';

type Path = ReadonlyArray<PropertyKey>;

/** Values under these keys are key material: never echoed back in a message. */
const SENSITIVE_KEYS = new Set(['irk']);

export function issuesFromZod(error: z.ZodError, file: string, input: unknown, schema: z.ZodType): ConfigIssue[] {
  return error.issues.flatMap((issue) => translate(issue as ZodIssueLike, [], file, input, schema));
}

/** The shape of a zod 4 issue, as much of it as this file reads. */
interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  keys?: string[];
  values?: unknown[];
  errors?: ZodIssueLike[][];
  discriminator?: string;
  options?: unknown[];
  note?: string;
}

function translate(issue: ZodIssueLike, prefix: Path, file: string, input: unknown, schema: z.ZodType): ConfigIssue[] {
  const path = [...prefix, ...issue.path];
  const value = valueAt(input, path);
  const at = (p: Path, message: string): ConfigIssue => ({ file, path: formatPath(p), message, severity: 'error' });

  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return [at(path, 'is required')];
      return [at(path, `must be ${article(typeWord(issue.expected))}, not ${describe(value)}`)];

    case 'unrecognized_keys': {
      const known = keysAt(schema, path, input);
      return (issue.keys ?? []).map((key) => {
        const guess = didYouMean(key, known);
        const hint = guess ? `; did you mean "${guess}"?` : known.length ? `; known keys: ${known.join(', ')}` : '';
        return at([...path, key], `unknown key "${key}"${hint}`);
      });
    }

    case 'invalid_union': {
      if (issue.discriminator !== undefined || issue.note === 'No matching discriminator') {
        const options = (issue.options ?? []).map(String);
        const field = String(issue.discriminator ?? path[path.length - 1] ?? 'type');
        if (value === undefined) return [at(path, `is required; one of: ${options.join(', ')}`)];
        const guess = typeof value === 'string' ? didYouMean(value, options) : undefined;
        return [
          at(path, `unknown ${field} ${JSON.stringify(value)}${guess ? `; did you mean "${guess}"?` : `; one of: ${options.join(', ')}`}`),
        ];
      }
      if (issue.message && issue.message !== 'Invalid input') return [at(path, issue.message)];
      // Explain the alternative that came closest.
      const branches = (issue.errors ?? []).filter((b) => b.length > 0);
      const best = branches.sort((a, b) => a.length - b.length)[0];
      if (!best) return [at(path, 'does not match any allowed form')];
      return best.flatMap((sub) => translate(sub, path, file, input, schema));
    }

    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      const got = value === undefined ? '' : ` (got ${describe(value)})`;
      if (value === undefined) return [at(path, `is required; one of: ${values.join(', ')}`)];
      return [at(path, values.length === 1 ? `must be ${values[0]}${got}` : `must be one of: ${values.join(', ')}${got}`)];
    }

    case 'too_small':
    case 'too_big':
      return [at(path, sizeMessage(issue, value))];

    case 'invalid_format': {
      const message = issue.message.startsWith('Invalid') ? `has the wrong format` : issue.message;
      const key = path[path.length - 1];
      const got = typeof value === 'string' && !SENSITIVE_KEYS.has(String(key)) ? ` (got ${JSON.stringify(value)})` : '';
      return [at(path, `${message}${got}`)];
    }

    default:
      return [at(path, issue.message)];
  }
}

function sizeMessage(issue: ZodIssueLike, value: unknown): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'array':
      return small ? `must have at least ${plural(bound, 'item')}` : `must have at most ${plural(bound, 'item')}`;
    case 'string':
      if (small && bound === 1) return 'must not be empty';
      return `must be ${small ? 'at least' : 'at most'} ${plural(bound, 'character')} long`;
    case 'number':
    case 'int': {
      const exclusive = issue.inclusive === false;
      const word = small ? (exclusive ? 'greater than' : 'at least') : exclusive ? 'less than' : 'at most';
      return `must be ${word} ${bound}${typeof value === 'number' ? ` (got ${value})` : ''}`;
    }
    default:
      return issue.message;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function typeWord(expected: string | undefined): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'array':
      return 'list';
    case 'object':
      return 'mapping (key: value)';
    case 'int':
      return 'whole number';
    default:
      return expected ?? 'value';
  }
}

const article = (word: string): string => (word === 'text' ? word : /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

export function valueAt(input: unknown, path: Path): unknown {
  let v: unknown = input;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

// --- schema walking, for "known keys" in unknown-key messages -------------------------------

export interface DefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

/** zod 4's definition of a schema (its kind and parts), as much of it as this file and salvage.ts read. */
export const defOf = (schema: z.ZodType): DefLike => (schema as unknown as { _zod: { def: DefLike } })._zod.def;

/** The concrete (unwrapped) schemas a value may be checked against at one point. */
function concrete(schema: z.ZodType, value: unknown): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return concrete(def.innerType, value);
  if (def.type === 'pipe' && def.in) return concrete(def.in, value);
  if (def.type === 'union' && def.options) {
    const all = def.options.flatMap((o) => concrete(o, value));
    const disc = def.discriminator;
    if (disc === undefined || value === null || typeof value !== 'object') return all;
    const wanted = (value as Record<string, unknown>)[disc];
    const matching = all.filter((o) => {
      const field = defOf(o).shape?.[disc];
      return field !== undefined && (defOf(field).values ?? []).includes(wanted);
    });
    return matching.length ? matching : all;
  }
  return [schema];
}

/** Keys an object at `path` may have, per the schema (union of alternatives). */
export function keysAt(schema: z.ZodType, path: Path, input: unknown): string[] {
  let current = [schema];
  let value = input;
  for (const part of path) {
    current = current
      .flatMap((s) => concrete(s, value))
      .flatMap((s) => {
        const def = defOf(s);
        if (def.type === 'object' && typeof part === 'string' && def.shape?.[part]) return [def.shape[part]];
        if (def.type === 'array' && typeof part === 'number' && def.element) return [def.element];
        return [];
      });
    value = valueAt(value, [part]);
  }
  const keys = new Set<string>();
  for (const s of current.flatMap((c) => concrete(c, value))) {
    for (const key of Object.keys(defOf(s).shape ?? {})) keys.add(key);
  }
  return [...keys];
}
