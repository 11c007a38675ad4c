/**
 * The benches' options (`--name value`), parsed by Node's util.parseArgs. Not strict: run.ts
 * hands the same options to every chosen bench, so one bench ignores another's.
 */
import { parseArgs } from 'node:util';

/** The string values of the named options given in argv. */
export function benchOptions<N extends string>(argv: string[], names: readonly N[]): Partial<Record<N, string>> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
    strict: false,
    allowPositionals: true,
  });
  const out: Partial<Record<N, string>> = {};
  for (const n of names) {
    const v = values[n];
    if (typeof v === 'string') out[n] = v;
    else if (v === true) throw new Error(`--${n} needs a value`);
  }
  return out;
}

/** A numeric option: `fallback` when absent; throws naming the option when `ok` refuses it. */
export function numberOption(value: string | undefined, name: string, fallback: number, ok: (n: number) => boolean, rule: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!ok(n)) throw new Error(`--${name} must be ${rule}`);
  return n;
}
