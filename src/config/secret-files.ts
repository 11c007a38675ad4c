/**
 * Secrets (tokens, passwords) come from files: a `*_file` setting, then systemd's
 * $CREDENTIALS_DIRECTORY/<credential>, then an environment variable. Values are never
 * logged or put in error messages; only where they were looked for is named.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SecretSource {
  /** The hearth.yaml setting that names the file, used in messages (e.g. `homeassistant.token_file`). */
  setting: string;
  /** Path from the setting, when given. */
  file?: string;
  /** Name of the systemd credential (a file in $CREDENTIALS_DIRECTORY). */
  credentialName?: string;
  /** Environment variable to fall back to. */
  envVar?: string;
}

export interface SecretEnv {
  env?: NodeJS.ProcessEnv;
  read?: (path: string) => Promise<string>;
}

/** A secret that was found, and a description of where (never the value). */
export interface Secret {
  value: string;
  /** e.g. `file /run/agenix/ha-token (homeassistant.token_file)` — safe to log. */
  source: string;
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

const defaultRead = (path: string): Promise<string> => readFile(path, 'utf8');

/** Reads one secret; throws a SecretError naming the setting when it is nowhere or empty. */
export async function readSecret(source: SecretSource, io: SecretEnv = {}): Promise<Secret> {
  const env = io.env ?? process.env;
  const read = io.read ?? defaultRead;

  const fromFile = async (path: string, what: string): Promise<Secret> => {
    let text: string;
    try {
      text = await read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new SecretError(`${source.setting}: cannot read ${what} ${path} (${code})`);
    }
    const value = text.trim();
    if (!value) throw new SecretError(`${source.setting}: ${what} ${path} is empty`);
    return { value, source: `${what} ${path}` };
  };

  if (source.file) return fromFile(source.file, `file (${source.setting})`);
  const credDir = env.CREDENTIALS_DIRECTORY;
  if (credDir && source.credentialName) {
    const path = join(credDir, source.credentialName);
    try {
      return await fromFile(path, 'credential');
    } catch (e) {
      // A credentials directory without this credential falls through to the environment.
      if (!(e instanceof SecretError) || !/ENOENT/.test(e.message)) throw e;
    }
  }
  if (source.envVar) {
    const value = env[source.envVar]?.trim();
    if (value) return { value, source: `environment variable ${source.envVar}` };
  }
  const tried = [
    `${source.setting} in hearth.yaml`,
    source.credentialName ? `$CREDENTIALS_DIRECTORY/${source.credentialName}` : undefined,
    source.envVar ? `$${source.envVar}` : undefined,
  ].filter(Boolean);
  throw new SecretError(`${source.setting}: no secret found (set ${tried.join(', or ')})`);
}

/** Like readSecret, but undefined when none is configured anywhere (optional secrets, e.g. MQTT password). */
export async function readOptionalSecret(source: SecretSource, io: SecretEnv = {}): Promise<Secret | undefined> {
  try {
    return await readSecret(source, io);
  } catch (e) {
    if (e instanceof SecretError && / no secret found /.test(e.message)) return undefined;
    throw e;
  }
}

/** The three secrets hearth's hub knows, by the settings that point at them. */
export const HA_TOKEN = (file?: string): SecretSource => ({
  setting: 'homeassistant.token_file',
  file,
  credentialName: 'ha-token',
  envVar: 'HEARTH_HA_TOKEN',
});
export const MQTT_PASSWORD = (file?: string): SecretSource => ({
  setting: 'mqtt.password_file',
  file,
  credentialName: 'mqtt-password',
  envVar: 'HEARTH_MQTT_PASSWORD',
});
export const HTTP_TOKEN = (file?: string): SecretSource => ({
  setting: 'http.token_file',
  file,
  credentialName: 'http-token',
  envVar: 'HEARTH_HTTP_TOKEN',
});
