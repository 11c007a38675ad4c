import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

/** ESPHome node names: lowercase letters, digits and '-', at most 31 characters (hostname-safe). */
export const ESPHOME_NAME = /^[a-z0-9]([a-z0-9-]{0,29}[a-z0-9])?$/;

/** What is wrong with a would-be ESPHome node name, in words; undefined when it is fine. */
export function esphomeNameProblem(name: string): string | undefined {
  if (ESPHOME_NAME.test(name)) return undefined;
  const problems: string[] = [];
  if (name.length === 0) return 'must not be empty';
  if (/[A-Z]/.test(name)) problems.push('has uppercase letters');
  if (name.includes('_')) problems.push('has "_" (use "-")');
  if (/[^A-Za-z0-9_-]/.test(name)) problems.push('has characters other than letters, digits and "-"');
  if (/^-|-$/.test(name)) problems.push('starts or ends with "-"');
  if (name.length > 31) problems.push(`is ${name.length} characters long (at most 31)`);
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 31)
    .replace(/-+$/, '');
  const hint = ESPHOME_NAME.test(suggestion) ? `, e.g. "${suggestion}"` : '';
  return `"${name}" is not a valid ESPHome name: it ${problems.join(', ')}; use lowercase letters, digits and "-" (at most 31 characters)${hint}`;
}

/** ESPHome node name: the device's hostname, secret prefix and generated file name. */
export const esphomeName = z.string().superRefine((name, ctx) => {
  const problem = esphomeNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Ids of people, routines and trackers: the same rule, so they can be used in entity ids and topics. */
export const slugId = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/,
    'must be an id of lowercase letters, digits, "_" or "-" (not at either end), at most 64 characters',
  );

/** The closest known name by edit distance (Levenshtein), if it is close enough to be a likely typo. */
export function didYouMean(wanted: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(wanted, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

/** "kitchen-meds" → "Kitchen meds": a readable default friendly name. */
export function humanize(name: string): string {
  const words = name.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A tracker's label from hearth.yaml, else its id humanised ("sam-iphone" → "Sam iphone"). */
export function trackerLabel(tracker: { id: string; label?: string | undefined }): string {
  return tracker.label ?? humanize(tracker.id);
}
