/**
 * The sandbox's dashboard step (`npm run sandbox`, tests/stack/sandbox.ts): once hearth runs
 * against the stack and its entities are in HA, build hearth's card, copy it into HA's `www/`
 * (served as /local/ because tests/stack/hass.ts creates the folder before HA starts), register
 * it, and push the dashboard, as `hearth dashboard --push --www <config>/www` does. Returns the
 * dashboard's URL for the ready block, and what the generator left out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadHousehold } from '../../src/config/load.js';
import type { HaCommander } from '../../src/dashboard/ha-commands.js';
import { generateDashboard } from '../../src/dashboard/generate.js';
import { runDashboard } from '../../src/dashboard/run.js';
import { readSnapshot } from '../../src/dashboard/snapshot-io.js';

export interface SandboxDashboardOptions {
  /** An administrator's connection to HA (the stack's `conn`: the owner's token). */
  conn: HaCommander;
  /** HA's base URL, e.g. http://127.0.0.1:8123. */
  haUrl: string;
  /** HA's config directory (its `www/` must have existed when HA started). */
  haConfigDir: string;
  /** hearth's config file and devices directory as the sandbox runs hearth with them. */
  configFile: string;
  devicesDir: string;
  /** hearth's state folder: the push record goes there, as `hearth run` keeps it. */
  stateDir: string;
  /** How long to wait for hearth's entities to be in HA's registry (ms, default 60 000). */
  settleTimeoutMs?: number;
}

export interface SandboxDashboard {
  /** e.g. http://127.0.0.1:8123/hearth-home */
  url: string;
  /** What the generator left out (an entity HA lacks), one line each. */
  warnings: string[];
}

/** Builds and installs the card, then pushes hearth's dashboard into the sandbox's HA. */
export async function pushSandboxDashboard(options: SandboxDashboardOptions): Promise<SandboxDashboard> {
  const www = join(options.haConfigDir, 'www');
  if (!existsSync(www))
    throw new Error(
      `${www} is missing: HA serves /local/ only from a www folder that existed when it started (tests/stack/hass.ts writeConfig)`,
    );
  execFileSync('npm', ['run', '-s', 'build:card'], { stdio: 'ignore' });
  const household = await loadHousehold({ configFile: options.configFile, devicesDir: options.devicesDir });
  const { conn } = options;
  // Discovery configs arrive one by one: wait (bounded) until HA has every entity of hearth's.
  const deadline = Date.now() + (options.settleTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    const { warnings } = generateDashboard({ household, snapshot: await readSnapshot(conn), customCard: false });
    if (!warnings.length) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const result = await runDashboard({
    household,
    conn,
    push: true,
    www,
    recordFile: join(options.stateDir, 'dashboard.json'),
    urlPath: household.config.dashboard.url_path,
  });
  return { url: `${options.haUrl}/${result.push!.urlPath}`, warnings: result.warnings };
}
