/** Where the stack finds the repo, the toolchain wrappers and the pins. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLCHAIN_DIR = join(REPO_ROOT, 'toolchain');
export const EMULATOR_SCRIPT = join(REPO_ROOT, 'tests', 'stack', 'emulator', 'esphome_emulator.py');

/** `toolchain/pins.env` as a map (shell KEY=value lines). */
export function readPins(): Record<string, string> {
  const pins: Record<string, string> = {};
  const file = join(TOOLCHAIN_DIR, 'pins.env');
  if (!existsSync(file)) return pins;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*?)\s*$/.exec(line);
    if (m) pins[m[1]!] = m[2]!.replace(/^['"]|['"]$/g, '');
  }
  return pins;
}

/**
 * The command that runs the pinned Home Assistant (`toolchain/hass`) or the rootfs's Python
 * (`toolchain/hass-python`), falling back to `run-in-rootfs.sh` with the venv's binary.
 */
export function rootfsCommand(kind: 'hass' | 'hass-python'): { cmd: string; args: string[] } {
  const wrapper = join(TOOLCHAIN_DIR, kind);
  if (existsSync(wrapper)) return { cmd: wrapper, args: [] };
  const binary = kind === 'hass' ? '/opt/hass/bin/hass' : '/opt/hass/bin/python';
  return { cmd: join(TOOLCHAIN_DIR, 'run-in-rootfs.sh'), args: [binary] };
}

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD_BIN = '/usr/bin/mosquitto_passwd';
