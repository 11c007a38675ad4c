/**
 * Comparing dashboard configs: a hash that ignores key order (what hearth remembers of its
 * last push) and a short list of what differs, path by path, for the message that refuses
 * to overwrite a dashboard the person edited. Pure.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the canonical JSON, hex. */
export const configHash = (config: unknown): string => createHash('sha256').update(canonicalJson(config)).digest('hex');

const label = (value: unknown): string => {
  const text = canonicalJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/**
 * The differences from `before` to `after` as lines like `views[1].sections[0].cards[2].name:
 * "Sam" → "Samantha"`, `views[3]: added`, at most `limit` lines (then "… and N more").
 */
export function describeDifferences(before: unknown, after: unknown, limit = 12): string[] {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (canonicalJson(a) === canonicalJson(b)) return;
    const where = path || '(top)';
    if (a === undefined) return void lines.push(`${where}: added ${label(b)}`);
    if (b === undefined) return void lines.push(`${where}: removed`);
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    lines.push(`${where}: ${label(a)} → ${label(b)}`);
  };
  walk(before, after, '');
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}
