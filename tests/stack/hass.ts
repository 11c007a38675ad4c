/**
 * The pinned Home Assistant, run inside the cached Debian rootfs (`toolchain/hass`), with a
 * generated configuration directory: no recorder, no default_config; the http server on
 * 127.0.0.1 only and the network adapters limited to `lo`, both in `.storage` as HA keeps them
 * (see preseededStorage). Onboarding happens through HA's own API; integrations are added
 * through their config flows.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Connection } from 'home-assistant-js-websocket';
import { REPO_ROOT, readPins, rootfsCommand } from './paths.js';
import { ManagedProcess } from './process.js';
import { LOOPBACK, poll } from './net.js';
import { connectHA, getConfig, HttpError, restCall, wsCommand } from './ha-client.js';

export interface HassOwner {
  name: string;
  username: string;
  password: string;
}

export interface HassOptions {
  /** The stack's throwaway directory; HA's config dir is `<baseDir>/hass`. */
  baseDir: string;
  port: number;
  owner: HassOwner;
  /** Load `mobile_app` (its requirements are in the rootfs when the pins list it). */
  mobileApp?: boolean;
  /** Extra YAML appended to configuration.yaml (e.g. input_boolean definitions). */
  extraYaml?: string;
  /** Use (and fill) the cached onboarded config dir under ~/.cache/hearth (default true). */
  useTemplate?: boolean;
  log?: (message: string) => void;
}

/** One config-flow step as HA presented it, recorded for the report/debugging. */
export interface FlowStepRecord {
  handler: string;
  type: string;
  step_id?: string;
  fields?: string[];
  menu_options?: string[];
  errors?: Record<string, string> | null;
  reason?: string;
}

export interface FlowResult {
  type:
    | 'form'
    | 'create_entry'
    | 'abort'
    | 'menu'
    | 'external'
    | 'external_done'
    | 'show_progress'
    | 'show_progress_done'
    | 'progress'
    | string;
  flow_id: string;
  handler: string;
  step_id?: string;
  data_schema?: SchemaField[];
  errors?: Record<string, string> | null;
  description_placeholders?: Record<string, string> | null;
  menu_options?: string[] | Record<string, string>;
  reason?: string;
  title?: string;
  result?: { entry_id: string; domain: string; title: string; state?: string } | string;
  progress_action?: string;
}

/** A serialized form field (voluptuous_serialize / HA selectors; `expandable` = a section). */
export interface SchemaField {
  name: string;
  type?: string;
  required?: boolean;
  optional?: boolean;
  default?: unknown;
  description?: { suggested_value?: unknown } | null;
  selector?: Record<string, { options?: (string | { value: string })[] } | null>;
  /** Fields of a section (`type: expandable`). */
  schema?: SchemaField[];
}

/**
 * Data for a form: `values` for the fields named there (nested objects for sections), then
 * each field's suggested value or default; a required field with neither gets `false`
 * (boolean) or its first option (select). Keys the form does not have are left out.
 */
export function fillForm(schema: readonly SchemaField[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema) {
    if (field.type === 'expandable' && Array.isArray(field.schema)) {
      const nested = values[field.name];
      out[field.name] = fillForm(field.schema, nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : {});
    } else if (field.name in values) {
      out[field.name] = values[field.name];
    } else if (field.description?.suggested_value !== undefined && field.description.suggested_value !== null) {
      out[field.name] = field.description.suggested_value;
    } else if (field.default !== undefined) {
      out[field.name] = field.default;
    } else if (field.required) {
      const selector = field.selector ?? {};
      const options = selector.select?.options;
      if ('boolean' in selector || field.type === 'boolean') out[field.name] = false;
      else if (options?.length) out[field.name] = typeof options[0] === 'string' ? options[0] : options[0]!.value;
    }
  }
  return out;
}

/** Answer to a form step: data to submit; for a menu: `{ next_step_id }`. */
export type FlowAnswer = (step: FlowResult) => Record<string, unknown>;

/**
 * The stack's configuration.yaml: the integrations the tests, hearth and the dashboard need
 * (no default_config: it would load zeroconf discovery, ssdp, dhcp, cloud, ...), no recorder.
 * No `http:` section: HA 2026.10 keeps the http settings in `.storage/http` (YAML would be
 * migrated into an unconfirmed "pending" config that HA reverts, restarting itself, after
 * 5 minutes, and it raises a Repair); see preseededStorage.
 */
export function configurationYaml(options: { url: string; mobileApp: boolean; extraYaml?: string }): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return [
    '# Generated by tests/stack/hass.ts for one throwaway test stack: no default_config, no recorder.',
    '# The http server (127.0.0.1 only) and the network adapters (loopback only) are set in .storage/.',
    'homeassistant:',
    '  name: Hearth test home',
    '  latitude: 51.5',
    '  longitude: -0.12',
    '  elevation: 10',
    '  unit_system: metric',
    `  time_zone: ${JSON.stringify(tz)}`,
    '  country: GB',
    '  currency: GBP',
    '  language: en',
    `  internal_url: ${JSON.stringify(options.url)}`,
    'api:',
    'websocket_api:',
    'config:',
    'onboarding:',
    'person:',
    // The dashboard's browser tests need the frontend.
    'frontend:',
    'lovelace:',
    'input_boolean:',
    'input_text:',
    'input_number:',
    'input_select:',
    'input_datetime:',
    'input_button:',
    'template:',
    // A local to-do list (local_todo is config-entry only; todo is its entity platform) and image
    // entities, for the life coach's tests.
    'todo:',
    'image:',
    ...(options.mobileApp ? ['mobile_app:'] : []),
    'logger:',
    '  default: info',
    '  logs:',
    '    homeassistant.components.http.ban: warning',
    '    aiohttp.access: warning',
    options.extraYaml ?? '',
    '',
  ].join('\n');
}

/** HA's storage file envelope (homeassistant/helpers/storage.py). */
function storageFile(key: string, version: number, minorVersion: number, data: unknown): unknown {
  return { version, minor_version: minorVersion, key, data };
}

/**
 * `.storage` files written before HA's first start, in the shapes HA 2026.10 itself saves:
 * - `http` (homeassistant/components/http/config.py, store version 2.2): a *stable* (confirmed)
 *   config listening on 127.0.0.1:`port` only, nothing pending, YAML migration done. HA starts
 *   on stable and schedules no revert; a restart (HA's own or the stack's) comes back on the
 *   same stable config, so it never falls back to the default (all interfaces on 8123).
 *   The other keys are HTTP_STORAGE_SCHEMA's defaults.
 * - `core.network` (homeassistant/components/network, version 1): the enabled adapters, as the
 *   websocket command `network/configure` saves them: loopback (`lo`) only. zeroconf (which the
 *   esphome integration instantiates) then joins no multicast group and announces on no
 *   interface, and nothing picks a LAN source address.
 */
export function preseededStorage(port: number): Record<string, unknown> {
  const createdAt = '2026-01-01T00:00:00+00:00';
  return {
    http: storageFile('http', 2, 2, {
      stable: {
        server_host: [LOOPBACK],
        server_port: port,
        cors_allowed_origins: ['https://cast.home-assistant.io'],
        login_attempts_threshold: -1,
        ip_ban_enabled: true,
        ssl_profile: 'modern',
        use_x_frame_options: true,
        created_at: createdAt,
        error: null,
        error_message: null,
      },
      pending: null,
      yaml_migration_done: true,
    }),
    'core.network': storageFile('core.network', 1, 1, { configured_adapters: ['lo'] }),
  };
}

const TOKEN_CLIENT_NAME = 'hearth test stack';

/** Files of an onboarded config dir worth caching (auth + onboarding state); the rest is per run. */
const TEMPLATE_FILES = [
  '.storage/auth',
  '.storage/auth_provider.homeassistant',
  '.storage/onboarding',
  '.storage/person',
  '.storage/core.uuid',
];

export class HomeAssistant {
  readonly configDir: string;
  readonly url: string;
  readonly logFile: string;
  readonly consoleLogFile: string;
  readonly tokenFile: string;
  process: ManagedProcess | undefined;
  /** Long-lived access token (what tests and hearth use). */
  token = '';
  /** Whether this run's onboarding came from the cached template. */
  fromTemplate = false;
  readonly flowSteps: FlowStepRecord[] = [];
  private readonly log: (m: string) => void;

  constructor(readonly options: HassOptions) {
    this.configDir = join(options.baseDir, 'hass');
    this.url = `http://${LOOPBACK}:${options.port}`;
    this.logFile = join(this.configDir, 'home-assistant.log');
    this.consoleLogFile = join(options.baseDir, 'hass.console.log');
    this.tokenFile = join(options.baseDir, 'hass-token');
    this.log = options.log ?? (() => {});
  }

  get port(): number {
    return this.options.port;
  }

  /**
   * Where the onboarded template lives: keyed by the HA pin and by everything this class
   * writes into the config dir before HA starts (configuration.yaml and the preseeded
   * `.storage` files, with the per-run port left out), so a change to that configuration
   * never reuses auth state onboarded under another one.
   */
  static templateDir(): string {
    const pins = readPins();
    const written = { yaml: configurationYaml({ url: 'http://127.0.0.1:PORT', mobileApp: true }), storage: preseededStorage(0) };
    const key = createHash('sha256')
      .update(JSON.stringify({ ha: pins.HOMEASSISTANT_VERSION ?? 'unknown', files: TEMPLATE_FILES, written, v: 2 }))
      .digest('hex')
      .slice(0, 12);
    const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
    return join(cache, 'hearth', `hass-onboarded-${pins.HOMEASSISTANT_VERSION ?? 'unknown'}-${key}`);
  }

  /**
   * configuration.yaml plus HA's own settings in `.storage` (see preseededStorage): the http
   * server and the network adapters are configured the way HA 2026.10 keeps them, not in YAML.
   */
  writeConfig(): void {
    mkdirSync(join(this.configDir, '.storage'), { recursive: true });
    // HA serves /local/ (hearth's dashboard card) only if www/ exists when it starts.
    mkdirSync(join(this.configDir, 'www'), { recursive: true });
    const yaml = configurationYaml({ url: this.url, mobileApp: this.options.mobileApp !== false, extraYaml: this.options.extraYaml });
    writeFileSync(join(this.configDir, 'configuration.yaml'), yaml);
    for (const [key, data] of Object.entries(preseededStorage(this.options.port))) {
      writeFileSync(join(this.configDir, '.storage', key), JSON.stringify(data, null, 2));
    }
  }

  /** Copies the cached onboarded auth state into the config dir; returns the token or undefined. */
  applyTemplate(): string | undefined {
    if (this.options.useTemplate === false) return undefined;
    const template = HomeAssistant.templateDir();
    const tokenFile = join(template, 'token');
    if (!existsSync(tokenFile)) return undefined;
    const owner = JSON.parse(readFileSync(join(template, 'owner.json'), 'utf8')) as HassOwner;
    if (owner.username !== this.options.owner.username || owner.password !== this.options.owner.password) return undefined;
    for (const file of TEMPLATE_FILES) {
      const src = join(template, file);
      if (existsSync(src)) cpSync(src, join(this.configDir, file), { recursive: true });
    }
    this.fromTemplate = true;
    return readFileSync(tokenFile, 'utf8').trim();
  }

  /** Set after onboarding: caching the template waits for HA's delayed storage writes. */
  templateSaved: Promise<void> = Promise.resolve();

  /**
   * Caches the onboarded auth state once HA has written it: `.storage/auth` must hold the
   * refresh token the long-lived token was issued for (its JWT `iss`), and onboarding must
   * be recorded as done.
   */
  private async saveTemplateWhenWritten(): Promise<void> {
    if (this.options.useTemplate === false) return;
    const payload = this.token.split('.')[1] ?? '';
    const iss = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string }).iss;
    if (!iss) return;
    const read = (f: string) => (existsSync(join(this.configDir, f)) ? readFileSync(join(this.configDir, f), 'utf8') : '');
    try {
      await poll(
        'HA to write the onboarded auth state',
        () => read('.storage/auth').includes(iss) && read('.storage/onboarding').includes('integration'),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } catch (err) {
      this.log(`not caching the onboarded HA template: ${String(err)}`);
      return;
    }
    this.saveTemplate();
  }

  private saveTemplate(): void {
    const template = HomeAssistant.templateDir();
    const tmp = `${template}.tmp-${process.pid}`;
    try {
      rmSync(tmp, { recursive: true, force: true });
      for (const file of TEMPLATE_FILES) {
        const src = join(this.configDir, file);
        if (existsSync(src)) cpSync(src, join(tmp, file), { recursive: true });
      }
      writeFileSync(join(tmp, 'token'), this.token + '\n', { mode: 0o600 });
      writeFileSync(join(tmp, 'owner.json'), JSON.stringify(this.options.owner));
      // Renamed into place, so a concurrent stack never reads a half-written template.
      rmSync(template, { recursive: true, force: true });
      renameSync(tmp, template);
      // Templates of other HA pins are stale now. Those of the same pin with another key are
      // not: checkouts that write another configuration (other branches) use them at the same time.
      const parent = dirname(template);
      const samePin = `hass-onboarded-${readPins().HOMEASSISTANT_VERSION ?? 'unknown'}-`;
      for (const name of readdirSync(parent)) {
        if (name.startsWith('hass-onboarded-') && !name.startsWith(samePin) && !name.includes('.tmp-')) {
          rmSync(join(parent, name), { recursive: true, force: true });
        }
      }
    } catch (err) {
      this.log(`could not cache the onboarded HA template: ${String(err)}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Spawns HA and resolves once its HTTP server answers. */
  async start(): Promise<void> {
    const { cmd, args } = rootfsCommand('hass');
    this.process = new ManagedProcess({
      name: 'home-assistant',
      cmd,
      args: [...args, '-c', this.configDir, '--skip-pip', '--log-no-color'],
      logFile: this.consoleLogFile,
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        // The throwaway dir must be visible at the same path inside the rootfs (it is under /tmp
        // normally; this also covers a TMPDIR elsewhere).
        HEARTH_ROOTFS_BINDS: [process.env.HEARTH_ROOTFS_BINDS, this.options.baseDir].filter(Boolean).join(':'),
      },
    });
    await this.process.guard(
      poll(
        `Home Assistant HTTP on ${this.url}`,
        async () => {
          // Any answer means the server is up; /auth/providers needs no token (probing /api/
          // without one would log a failed login and raise a notification in the UI).
          try {
            await restCall(this.url, undefined, 'GET', '/auth/providers');
            return true;
          } catch (err) {
            if (err instanceof HttpError && err.status < 500) return true;
            throw err;
          }
        },
        { timeoutMs: 180_000, intervalMs: 100 },
      ),
    );
  }

  async stop(): Promise<void> {
    await this.templateSaved;
    await this.process?.stop(30_000);
  }

  /** Onboarding through HA's own API: owner user, auth code → token, LLAT, remaining steps. */
  async onboard(): Promise<string> {
    if (this.token) {
      // Template: the owner and token exist already; check the token works.
      try {
        await restCall(this.url, this.token, 'GET', '/api/');
      } catch (err) {
        rmSync(HomeAssistant.templateDir(), { recursive: true, force: true });
        throw new Error(
          `the cached onboarded HA template's token was refused (template removed; the next run onboards afresh): ${String(err)}`,
          {
            cause: err,
          },
        );
      }
      writeFileSync(this.tokenFile, this.token + '\n', { mode: 0o600 });
      return this.token;
    }
    const clientId = `${this.url}/`;
    const status = await restCall<{ step: string; done: boolean }[]>(this.url, undefined, 'GET', '/api/onboarding');
    const pending = new Set(status.filter((s) => !s.done).map((s) => s.step));
    if (!pending.has('user')) throw new Error('HA is already onboarded but no token is known');
    const { owner } = this.options;
    const { auth_code } = await restCall<{ auth_code: string }>(this.url, undefined, 'POST', '/api/onboarding/users', {
      client_id: clientId,
      name: owner.name,
      username: owner.username,
      password: owner.password,
      language: 'en',
    });
    const tokens = await restCall<{ access_token: string }>(
      this.url,
      undefined,
      'POST',
      '/auth/token',
      new URLSearchParams({ grant_type: 'authorization_code', code: auth_code, client_id: clientId }),
    );
    const access = tokens.access_token;
    const conn = await connectHA(this.url, access);
    try {
      this.token = await wsCommand<string>(conn, {
        type: 'auth/long_lived_access_token',
        client_name: TOKEN_CLIENT_NAME,
        lifespan: 3650,
      });
    } finally {
      conn.close();
    }
    for (const step of ['core_config', 'analytics', 'integration']) {
      if (!pending.has(step)) continue;
      const body = step === 'integration' ? { client_id: clientId, redirect_uri: `${clientId}?auth_callback=1` } : {};
      await restCall(this.url, access, 'POST', `/api/onboarding/${step}`, body);
    }
    const after = await restCall<{ step: string; done: boolean }[]>(this.url, undefined, 'GET', '/api/onboarding');
    const notDone = after.filter((s) => !s.done).map((s) => s.step);
    if (notDone.length) throw new Error(`onboarding steps left undone: ${notDone.join(', ')}`);
    writeFileSync(this.tokenFile, this.token + '\n', { mode: 0o600 });
    this.templateSaved = this.saveTemplateWhenWritten();
    return this.token;
  }

  /** Resolves once `get_config` reports `RUNNING`. */
  async waitRunning(conn: Connection, timeoutMs = 180_000): Promise<void> {
    await this.guard(
      poll('Home Assistant state RUNNING', async () => (await getConfig(conn)).state === 'RUNNING', { timeoutMs, intervalMs: 200 }),
    );
  }

  guard<T>(promise: Promise<T>): Promise<T> {
    return this.process ? this.process.guard(promise) : promise;
  }

  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return restCall<T>(this.url, this.token, method, path, body);
  }

  /**
   * Drives a config flow to its end: `answer` supplies each form's data (or a menu's
   * `next_step_id`). Returns the created entry; throws on abort or too many steps.
   */
  async configFlow(handler: string, answer: FlowAnswer): Promise<{ entry_id: string; title: string }> {
    let step = await this.rest<FlowResult>('POST', '/api/config/config_entries/flow', { handler, show_advanced_options: false });
    for (let i = 0; i < 12; i++) {
      const menuOptions = Array.isArray(step.menu_options)
        ? step.menu_options
        : step.menu_options
          ? Object.keys(step.menu_options)
          : undefined;
      this.flowSteps.push({
        handler,
        type: step.type,
        step_id: step.step_id,
        fields: step.data_schema?.map((f) => f.name),
        menu_options: menuOptions,
        errors: step.errors && Object.keys(step.errors).length ? step.errors : undefined,
        reason: step.reason,
      });
      switch (step.type) {
        case 'create_entry': {
          const result = step.result;
          const entryId = typeof result === 'object' && result ? result.entry_id : String(result);
          return { entry_id: entryId, title: step.title ?? '' };
        }
        case 'abort':
          throw new Error(`${handler} config flow aborted: ${step.reason}`);
        case 'form':
        case 'menu': {
          if (step.errors && Object.keys(step.errors).length && i > 0 && this.flowSteps.at(-2)?.step_id === step.step_id) {
            throw new Error(`${handler} config flow step ${step.step_id} failed: ${JSON.stringify(step.errors)}`);
          }
          step = await this.rest<FlowResult>('POST', `/api/config/config_entries/flow/${step.flow_id}`, answer(step));
          break;
        }
        case 'show_progress':
        case 'progress':
        case 'show_progress_done':
        case 'external_done': {
          await new Promise((r) => setTimeout(r, 200));
          step = await this.rest<FlowResult>('POST', `/api/config/config_entries/flow/${step.flow_id}`, {});
          break;
        }
        default:
          throw new Error(`${handler} config flow: unexpected step ${JSON.stringify(step)}`);
      }
    }
    throw new Error(`${handler} config flow: too many steps (${JSON.stringify(this.flowSteps.slice(-12))})`);
  }

  /**
   * Onboarding's core_config step starts config flows for google_translate, met,
   * radio_browser and shopping_list (the two without their requirements fail and log an
   * error); the stack wants none of them (google_translate would reach the internet), so the
   * entries that were created are removed. Only runs that onboard afresh have any.
   */
  async removeOnboardingDefaults(): Promise<string[]> {
    const unwanted = new Set(['google_translate', 'met', 'radio_browser', 'shopping_list']);
    const removed: string[] = [];
    for (const entry of await this.configEntries()) {
      if (!unwanted.has(entry.domain)) continue;
      await this.rest('DELETE', `/api/config/config_entries/entry/${entry.entry_id}`);
      removed.push(entry.domain);
    }
    return removed;
  }

  async configEntries(
    domain?: string,
  ): Promise<{ entry_id: string; domain: string; title: string; state: string; reason?: string | null }[]> {
    const query = domain ? `?domain=${encodeURIComponent(domain)}` : '';
    return this.rest('GET', `/api/config/config_entries/entry${query}`);
  }

  async waitEntryLoaded(entryId: string, timeoutMs = 60_000): Promise<void> {
    await this.guard(
      poll(
        `config entry ${entryId} loaded`,
        async () => {
          const entry = (await this.configEntries()).find((e) => e.entry_id === entryId);
          if (entry?.state === 'setup_error' || entry?.state === 'migration_error') {
            throw new Error(`config entry ${entry.title} (${entry.domain}): ${entry.state} ${entry.reason ?? ''}`);
          }
          return entry?.state === 'loaded';
        },
        { timeoutMs, intervalMs: 150 },
      ),
    );
  }
}
