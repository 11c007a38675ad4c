/**
 * Getting hearth's card to the browser the way HA users do, same-origin from HA: the bundle
 * is copied into HA's `www/` folder (HA serves it as `/local/…`; HA only serves that folder
 * when it existed at HA's start, homeassistant/components/frontend/__init__.py) and
 * registered as a Lovelace resource `/local/hearth-card.js?v=<content hash>`, so a new
 * version is not cached away. When HA keeps its resources in YAML (`lovelace/info`
 * `resource_mode: yaml`) hearth registers nothing and says what to add. An existing resource
 * for the card is updated, never duplicated. On NixOS the flake's card package goes to
 * `services.home-assistant.customLovelaceModules` instead (docs/dashboard.md).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createResource, listResources, lovelaceInfo, updateResource, type LovelaceResource, type HaCommander } from './ha-commands.js';

export const CARD_FILE = 'hearth-card.js';
const LOCAL_PATH = `/local/${CARD_FILE}`;

/** The directory holding hearth's package.json, from src/ (tsx) and from dist/src/ (built) alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm run build:card` writes the bundle (the package ships it there too). */
export const DEFAULT_BUNDLE = resolve(packageRoot(), 'dist', 'card', CARD_FILE);

/** The first 12 hex digits of the bundle's sha256: the `?v=` that busts browser caches. */
export const bundleVersion = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex').slice(0, 12);

export const cardUrl = (version: string): string => `${LOCAL_PATH}?v=${version}`;

/** Whether a resource URL is hearth's card (any version, any host). */
export const isCardResource = (url: string): boolean => url.split('?')[0]!.endsWith(`/${CARD_FILE}`);

/**
 * Copies the bundle into HA's www folder (written to a temp name and renamed: HA never
 * serves half a file). Errors name the file: a missing bundle says to run `npm run build:card`.
 */
export function installCard(wwwDir: string, bundle = DEFAULT_BUNDLE): { path: string; url: string } {
  if (!existsSync(bundle)) throw new Error(`${bundle}: hearth's card is not built; run npm run build:card`);
  if (!existsSync(wwwDir) || !statSync(wwwDir).isDirectory()) {
    throw new Error(
      `${wwwDir}: not a directory (HA's www folder, <config>/www; HA serves it as /local/ only if it existed when HA started)`,
    );
  }
  const content = readFileSync(bundle);
  const target = join(wwwDir, CARD_FILE);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    copyFileSync(bundle, tmp);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { path: target, url: cardUrl(bundleVersion(content)) };
}

export type ResourceOutcome =
  | { mode: 'storage'; action: 'created' | 'updated' | 'unchanged'; resource: LovelaceResource }
  | { mode: 'yaml'; registered: boolean; advice: string };

/** The YAML a person adds when HA's resources are in YAML mode. */
export const yamlAdvice = (url: string): string =>
  `Home Assistant keeps its Lovelace resources in YAML: add to configuration.yaml\n  lovelace:\n    resources:\n      - url: ${url}\n        type: module\n` +
  '(on NixOS: services.home-assistant.customLovelaceModules = [ hearth.packages.${system}.hearth-card ];)';

/** Registers (or updates) the card's resource when HA manages resources in storage mode. */
export async function ensureCardResource(conn: HaCommander, url: string): Promise<ResourceOutcome> {
  const { resource_mode } = await lovelaceInfo(conn);
  const resources = await listResources(conn);
  const existing = resources.filter((r) => isCardResource(r.url));
  if (resource_mode === 'yaml') return { mode: 'yaml', registered: existing.length > 0, advice: yamlAdvice(url) };
  const [first] = existing;
  if (!first) return { mode: 'storage', action: 'created', resource: await createResource(conn, url) };
  if (first.url === url && first.type === 'module') return { mode: 'storage', action: 'unchanged', resource: first };
  return { mode: 'storage', action: 'updated', resource: await updateResource(conn, first.id, url) };
}

/** Whether HA already loads hearth's card (a resource for it exists, in either mode). */
export async function cardResourceRegistered(conn: HaCommander): Promise<boolean> {
  return (await listResources(conn)).some((r) => isCardResource(r.url));
}
