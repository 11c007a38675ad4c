/**
 * `!secret name` in hearth.yaml: a reference to an entry of the ESPHome secrets file
 * (`secrets.yaml`, which `hearth esphome generate --secrets FILE` links into the output).
 * hearth never reads the value behind it; the generated ESPHome configs carry the same
 * reference and ESPHome resolves it when it builds the firmware.
 */
export class SecretReference {
  constructor(readonly name: string) {}

  toString(): string {
    return `!secret ${this.name}`;
  }
}

/** ESPHome secret names are YAML keys; hearth keeps them to what a shell and a file name take. */
export const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
