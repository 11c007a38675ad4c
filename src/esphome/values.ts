/**
 * The values an emitter may put into an ESPHome config object. Plain data plus two
 * markers that render.ts turns into YAML details: `!secret` references and strings that
 * must be quoted (ESPHome's YAML 1.1 loader reads an unquoted MAC made of digits as a
 * base-60 number, an all-digit IRK as an integer, `1e5…` as a float).
 */
export class SecretRef {
  constructor(readonly name: string) {}
}

export class Quoted {
  constructor(readonly value: string) {}
}

/** `!secret name` in the generated YAML; the value lives in the person's secrets.yaml. */
export const secret = (name: string): SecretRef => new SecretRef(name);

/** A string that is always written double-quoted (MACs, IRKs, UUIDs, keys). */
export const quoted = (value: string): Quoted => new Quoted(value);

export type ConfigValue = string | number | boolean | null | SecretRef | Quoted | readonly ConfigValue[] | ConfigObject;

/** Keys in insertion order (that order is the output order); `undefined` values are left out. */
export interface ConfigObject {
  readonly [key: string]: ConfigValue | undefined;
}
