/**
 * hearth's dashboard in the real HA of a test stack, seen in a real browser (Debian chromium
 * through playwright-core, logged in through HA's own auth-code flow): pushed over the
 * websocket API with hearth's card installed into HA's www folder; every view rendered with
 * live states and no card error or unavailable entity; Done pressed in the card turns the
 * emulated LED off and the row changes; a state changed in HA reaches the open page without
 * a reload; a non-administrator's token is refused with a clear message; a dashboard edited
 * in HA is not overwritten without --force. Screenshots (light/dark, phone/desktop) go to
 * build/test-output/dashboard; with HEARTH_README_SCREENSHOTS=1 (`npm run screenshots`) the
 * README's are copied to docs/images.
 *
 * HA serves /local/ (its www folder) only if the folder existed when HA started: when the
 * shared stack's HA has none, this file starts its own stack, creates it and restarts HA.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { join } from 'node:path';
import type { Connection, HassEntity } from 'home-assistant-js-websocket';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  connectHA,
  dumpLogsOnFailure,
  getStates,
  keepHearing,
  lightState,
  SAM_IN_OFFICE,
  sharedStack,
  startStack,
  waitForState,
  type Stack,
  type StackInfo,
} from '../helpers/index.js';
import { startHub, waitFor, type RunningHub } from './hub-harness.js';
import { DESKTOP, launchBrowser, loginThroughAuthFlow, PHONE, type Browser } from '../browser/browser.js';
import { createUser, loginToken } from '../browser/ha-users.js';
import { loadHousehold } from '../../src/config/load.js';
import type { Household } from '../../src/config/household.js';
import { generateDashboard } from '../../src/dashboard/generate.js';
import { readSnapshot } from '../../src/dashboard/snapshot-io.js';
import { runDashboard, type DashboardRunResult } from '../../src/dashboard/run.js';
import { DashboardPushError, pushDashboard } from '../../src/dashboard/push.js';
import { dashboardConfig, listDashboards, listResources, saveDashboardConfig, createDashboard } from '../../src/dashboard/ha-commands.js';
import type { Condition, LovelaceCard, LovelaceConfig, LovelaceView } from '../../src/dashboard/cards.js';
import { isCardResource } from '../../src/dashboard/resources.js';
import { createDashboardUnit } from '../../src/dashboard/unit.js';
import { silentLogger } from '../../src/log.js';
import { pushSandboxDashboard } from '../helpers/sandbox-dashboard.js';

const URL_PATH = 'hearth-home';
const SHOTS = 'build/test-output/dashboard';
/** The screenshots README.md shows (docs/images). */
const README_SHOTS = ['dashboard-routines-light-desktop.png', 'dashboard-room-office-dark-phone.png'];

let own: Stack | undefined;
let stack: StackInfo;
let hearth: RunningHub;
let conn: Connection;
let household: Household;
let stopHearing: (() => Promise<void>) | undefined;
let browser: Browser;
let pushed: DashboardRunResult;
let recordFile: string;
let www: string;
dumpLogsOnFailure(() => own ?? stack);

/** The person's own dashboard, which hearth must leave alone. */
const PERSONAL = {
  url_path: 'my-home',
  config: { title: 'Mine', views: [{ title: 'Mine', cards: [{ type: 'markdown', content: 'my own' }] }] },
};

beforeAll(async () => {
  execFileSync('npm', ['run', '-s', 'build:card'], { stdio: 'ignore' });
  const shared = sharedStack();
  if (existsSync(join(shared.hass.configDir, 'www'))) {
    stack = shared;
  } else {
    own = await startStack({ log: () => {} });
    mkdirSync(join(own.hass.configDir, 'www'), { recursive: true });
    await own.restartHA();
    stack = own.info();
  }
  www = join(stack.hass.configDir, 'www');
  hearth = await startHub(stack);
  recordFile = join(hearth.dir, 'dashboard.json');
  conn = await connect(stack);
  household = await loadHousehold({ configFile: hearth.files.configFile, devicesDir: 'devices' });
  // Sam in the office (as tests/integration/hub.test.ts does), the other rooms far away, for
  // the whole file: the room cards show live states.
  stopHearing = keepHearing(stack, SAM_IN_OFFICE);
  await waitForState(conn, 'sensor.sam_room', (s) => s.state === 'office', 60_000);
  // hearth's entities are in HA's registry once discovery went through: nothing left out.
  await waitFor(
    async () => generateDashboard({ household, snapshot: await readSnapshot(conn), customCard: true }).warnings.length === 0,
    60_000,
    'every household entity in HA',
  );
  if (!(await listDashboards(conn)).some((d) => d.url_path === PERSONAL.url_path)) {
    await createDashboard(conn, { url_path: PERSONAL.url_path, title: 'Mine' });
  }
  await saveDashboardConfig(conn, PERSONAL.url_path, PERSONAL.config as unknown as LovelaceConfig);
  pushed = await runDashboard({ household, conn, push: true, www, recordFile });
  browser = await launchBrowser();
  await loginThroughAuthFlow(browser.page, `${stack.hass.url}/${URL_PATH}/routines`, stack.hass.owner.username, stack.hass.owner.password);
}, 600_000);

afterAll(async () => {
  await stopHearing?.();
  await browser?.close();
  conn?.close();
  await hearth?.stop();
  await own?.stop();
});

// --- what the page shows ------------------------------------------------------------------

/** All text under an element, through shadow roots (innerText stops at them). */
async function deepText(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) => {
    const walk = (n: Node): string => {
      let out = '';
      if (n.nodeType === Node.TEXT_NODE) out += n.textContent ?? '';
      const el = n as Element & { shadowRoot?: ShadowRoot | null };
      if (el.shadowRoot) for (const c of Array.from(el.shadowRoot.childNodes)) out += ` ${walk(c)}`;
      for (const c of Array.from(n.childNodes)) out += walk(c);
      return out;
    };
    return els.map((e) => walk(e).replace(/\s+/g, ' ').trim());
  });
}

const visible = (card: LovelaceCard, states: Record<string, HassEntity>): boolean =>
  ((card.visibility as Condition[] | undefined) ?? []).every((c) => {
    const state = states[c.entity]?.state;
    if (c.state !== undefined) return state === c.state;
    if (c.state_not !== undefined) return state !== c.state_not;
    return true;
  });

async function statesNow(): Promise<Record<string, HassEntity>> {
  return Object.fromEntries((await getStates(conn)).map((s) => [s.entity_id, s]));
}

async function openView(page: Page, view: LovelaceView): Promise<void> {
  await page.goto(`${stack.hass.url}/${URL_PATH}/${view.path}`);
  await page.locator('hui-sections-view').first().waitFor({ timeout: 60_000 });
  // HA's launch screen fades out after the first render; screenshots wait for it to go.
  await page.waitForFunction(() => !document.getElementById('ha-launch-screen'), undefined, { timeout: 30_000 });
}

/** What a tile shows for an entity's live state (HA's frontend: on/off capitalised, numbers with their unit). */
function expectedStateText(state: HassEntity): string | undefined {
  const domain = state.entity_id.split('.')[0];
  if (state.state === 'unknown' || domain === 'button') return undefined;
  if (domain === 'light') return state.state === 'on' ? 'On' : 'Off';
  // Numbers as the frontend formats them: -90.0 → "-90" (then the unit).
  if (state.state.trim() !== '' && Number.isFinite(Number(state.state)))
    return `${Number(state.state)} ${String(state.attributes.unit_of_measurement ?? '')}`.trim();
  return state.state;
}

/**
 * Every card of the view that its visibility conditions show is on the page, with its name
 * and its entity's live state; no card is an error card or names an entity HA lacks.
 */
async function checkView(page: Page, view: LovelaceView): Promise<void> {
  await openView(page, view);
  const states = await statesNow();
  const cards = view.sections.flatMap((s) => s.cards).filter((c) => visible(c, states));
  const wait = (selector: string, text: string) => page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 30_000 });
  for (const card of cards) {
    switch (card.type) {
      case 'heading':
        await wait('hui-heading-card', card.heading as string);
        break;
      case 'markdown':
        await wait('hui-markdown-card', card.content as string);
        break;
      case 'button':
        await wait('hui-button-card', card.name as string);
        break;
      case 'custom:hearth-card':
        await page.locator('hearth-card li').first().waitFor({ timeout: 30_000 });
        break;
      case 'tile': {
        const state = states[card.entity as string];
        expect(state, `${view.path}: ${card.entity as string} has a state`).toBeDefined();
        const name = (card.name as string | undefined) ?? String(state!.attributes.friendly_name);
        await wait('hui-tile-card', name);
        const shown = (await deepText(page, 'hui-tile-card')).filter((t) => t.includes(name));
        const live = expectedStateText(state!);
        if (live)
          expect(
            shown.some((t) => t.toLowerCase().includes(live.toLowerCase())),
            `${view.path}: tile ${name} shows ${live}: ${shown.join(' | ')}`,
          ).toBe(true);
        break;
      }
      default:
        throw new Error(`${view.path}: a card type this test does not check: ${card.type}`);
    }
  }
  const tiles = cards.filter((c) => c.type === 'tile').length;
  expect(await page.locator('hui-tile-card').count(), `${view.path}: tile cards`).toBe(tiles);
  expect(await page.locator('hui-error-card').count(), `${view.path}: error cards`).toBe(0);
  const warnings = await deepText(page, 'hui-warning');
  expect(warnings, `${view.path}: warnings`).toEqual([]);
  const tileTexts = await deepText(page, 'hui-tile-card');
  expect(
    tileTexts.filter((t) => /unavailable|not found/i.test(t)),
    `${view.path}: unavailable tiles`,
  ).toEqual([]);
  expect((await deepText(page, 'hearth-card .warning')).join(' '), `${view.path}: hearth-card warnings`).toBe('');
}

const row = (page: Page, entity: string) => page.locator(`hearth-card li.routine[data-entity="${entity}"]`);

// --- tests --------------------------------------------------------------------------------

describe('hearth dashboard in a real HA and browser', () => {
  it('pushes into a dashboard of its own, registers the card once and leaves other dashboards alone', async () => {
    expect(pushed.warnings).toEqual([]);
    expect(pushed.push?.action).toBe('created');
    expect(pushed.resource).toMatchObject({ mode: 'storage', action: 'created' });
    expect(readFileSync(join(www, 'hearth-card.js'), 'utf8')).toContain('hearth-card');
    const again = await runDashboard({ household, conn, push: true, www, recordFile });
    expect(again.push?.action).toBe('unchanged');
    expect(again.resource).toMatchObject({ mode: 'storage', action: 'unchanged' });
    expect((await listResources(conn)).filter((r) => isCardResource(r.url))).toHaveLength(1);
    expect(await dashboardConfig(conn, PERSONAL.url_path)).toEqual(PERSONAL.config);
    const served = await fetch(`${stack.hass.url}${pushed.card!.url}`);
    expect(served.status).toBe(200);
    // --out: the same config as YAML, for a YAML-mode dashboard.
    const out = join(hearth.dir, 'dashboard.yaml');
    await runDashboard({ household, conn, out, recordFile });
    expect(parse(readFileSync(out, 'utf8'))).toEqual(pushed.config);
  });

  it("the sandbox's dashboard step (tests/helpers/sandbox-dashboard.ts) pushes the same and names the URL", async () => {
    const before = await dashboardConfig(conn, URL_PATH);
    const result = await pushSandboxDashboard({
      conn,
      haUrl: stack.hass.url,
      haConfigDir: stack.hass.configDir,
      configFile: hearth.files.configFile,
      devicesDir: 'devices',
      stateDir: join(hearth.dir, 'sandbox-state'),
    });
    expect(result).toEqual({ url: `${stack.hass.url}/${URL_PATH}`, warnings: [] });
    expect(await dashboardConfig(conn, URL_PATH)).toEqual(before);
    expect((await listResources(conn)).filter((r) => isCardResource(r.url))).toHaveLength(1);
    expect(statSync(join(hearth.dir, 'sandbox-state', 'dashboard.json')).mode & 0o777).toBe(0o600);
  });

  it('shows every view with its cards and live states, no error and nothing unavailable', async () => {
    const page = browser.page;
    expect(pushed.config.views.map((v) => v.path)).toEqual(['routines', 'room-bedroom', 'room-kitchen', 'room-living-room', 'room-office']);
    for (const view of pushed.config.views) await checkView(page, view);
    // The person is shown in the room they are in (office), and nowhere else.
    const office = pushed.config.views.find((v) => v.path === 'room-office')!;
    await openView(page, office);
    await page.locator('hui-tile-card').filter({ hasText: 'Sam' }).first().waitFor();
    expect((await deepText(page, 'hui-markdown-card')).join(' ')).not.toContain('Nobody');
    await openView(
      page,
      pushed.config.views.find((v) => v.path === 'room-kitchen')!,
    );
    await page.locator('hui-markdown-card').filter({ hasText: 'Nobody is in the kitchen' }).first().waitFor();
  });

  it('would notice a card naming an entity HA lacks (the check above can fail)', async () => {
    const page = browser.page;
    const control = 'hearth-control';
    if (!(await listDashboards(conn)).some((d) => d.url_path === control))
      await createDashboard(conn, { url_path: control, title: 'Control' });
    const config = {
      title: 'Control',
      views: [
        {
          title: 'X',
          path: 'x',
          type: 'sections' as const,
          sections: [{ type: 'grid' as const, cards: [{ type: 'tile', entity: 'sensor.hearth_no_such_entity' }] }],
        },
      ],
    };
    await saveDashboardConfig(conn, control, config);
    await page.goto(`${stack.hass.url}/${control}/x`);
    await page.locator('hui-warning').first().waitFor({ timeout: 30_000 });
    expect((await deepText(page, 'hui-warning')).join(' ')).toContain('Entity not found');
  });

  it('follows a state change in HA without a reload, and Done in the card turns the LED off', async () => {
    const page = browser.page;
    const meds = 'sensor.routine_morning_meds';
    await openView(page, pushed.config.views[0]!);
    await page.locator('hearth-card').waitFor();
    // Registered in the card picker, sized for sections views.
    expect(
      await page.evaluate(() => (window as unknown as { customCards?: { type: string }[] }).customCards?.map((c) => c.type)),
    ).toContain('hearth-card');
    expect(
      await page.locator('hearth-card').evaluate((el) => (el as unknown as { getGridOptions(): unknown }).getGridOptions()),
    ).toMatchObject({ columns: 'full' });
    const marker = await page.evaluate(() => ((window as unknown as { hearthMarker: number }).hearthMarker = Math.random()));
    // Made due through hearth (not the page): the row must appear/change by itself.
    const r = await hearth.api<{ phase: string }>('POST', '/api/routines/morning-meds/due');
    expect(r.status).toBe(200);
    await row(page, meds).and(page.locator('[data-state="due"], [data-state="nagging"]')).waitFor({ timeout: 30_000 });
    await waitFor(async () => (await lightState(stack, 'kitchen-meds-button')).state === true, 30_000, 'LED on');
    await row(page, meds).locator('button.done').click();
    await waitFor(async () => (await lightState(stack, 'kitchen-meds-button')).state === false, 30_000, 'LED off after Done in the card');
    await row(page, meds).and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    expect((await deepText(page, `hearth-card li.routine[data-entity="${meds}"]`))[0]).toContain('Done');
    expect(await page.evaluate(() => (window as unknown as { hearthMarker?: number }).hearthMarker)).toBe(marker);
  });

  it('saves screenshots: light and dark, phone and desktop', async () => {
    const page = browser.page;
    mkdirSync(SHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [size, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        for (const path of ['routines', 'room-office', 'room-bedroom']) {
          await openView(
            page,
            pushed.config.views.find((v) => v.path === path)!,
          );
          await page.locator('hui-tile-card').first().waitFor();
          await page.screenshot({ path: join(SHOTS, `dashboard-${path}-${scheme}-${size}.png`), fullPage: true });
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);
    expect(existsSync(join(SHOTS, 'dashboard-routines-dark-phone.png'))).toBe(true);
    if (process.env.HEARTH_README_SCREENSHOTS === '1') {
      mkdirSync('docs/images', { recursive: true });
      for (const file of README_SHOTS) copyFileSync(join(SHOTS, file), join('docs/images', file));
    }
  });

  it("refuses a non-administrator's token with a clear message, before writing anything", async () => {
    await createUser(conn, 'Guest', 'guest', 'guest-password');
    const token = await loginToken(stack.hass.url, 'guest', 'guest-password');
    const guest = await connectHA(stack.hass.url, token);
    try {
      const before = await dashboardConfig(conn, URL_PATH);
      const err = await pushDashboard(guest, { title: 'x', views: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DashboardPushError);
      expect((err as DashboardPushError).code).toBe('not_admin');
      expect((err as Error).message).toContain('the Home Assistant user "Guest" of this token is not an administrator');
      expect(await dashboardConfig(conn, URL_PATH)).toEqual(before);
    } finally {
      guest.close();
    }
    // The command says so too, and exits 2.
    const tokenFile = join(hearth.dir, 'guest-token');
    writeFileSync(tokenFile, `${token}\n`);
    const guestConfig = join(hearth.dir, 'guest.yaml');
    writeFileSync(guestConfig, stringify({ ...hearth.files.config, homeassistant: { url: stack.hass.url, token_file: tokenFile } }));
    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/browser/dashboard-cli.ts',
        'dashboard',
        '--push',
        '-c',
        guestConfig,
        '-d',
        'devices',
        '--record',
        join(hearth.dir, 'guest.json'),
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(cli.stderr).toContain('is not an administrator');
    expect(cli.status).toBe(2);
  });

  it('hearth dashboard --push --out: pushes with an administrator token and writes the YAML', async () => {
    const config = join(hearth.dir, 'owner.yaml');
    writeFileSync(config, stringify({ ...hearth.files.config, homeassistant: { url: stack.hass.url, token_file: stack.hass.tokenFile } }));
    const out = join(hearth.dir, 'cli-dashboard.yaml');
    const args = [
      '--import',
      'tsx',
      'tests/browser/dashboard-cli.ts',
      'dashboard',
      '--push',
      '--url-path',
      'hearth-cli',
      '--out',
      out,
      '-c',
      config,
      '-d',
      'devices',
      '--record',
      join(hearth.dir, 'cli.json'),
    ];
    const cli = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain(`dashboard hearth-cli: created (${stack.hass.url}/hearth-cli)`);
    expect(cli.status).toBe(0);
    expect(await dashboardConfig(conn, 'hearth-cli')).toEqual(parse(readFileSync(out, 'utf8')));
    const again = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
    expect(again.stdout).toContain('dashboard hearth-cli: unchanged');
  });

  it('does not overwrite a dashboard the person edited, says what differs, and does with --force', async () => {
    const edited = structuredClone(pushed.config);
    edited.views[0]!.title = 'My routines';
    await saveDashboardConfig(conn, URL_PATH, edited);
    const err = await runDashboard({ household, conn, push: true, www, recordFile }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DashboardPushError);
    expect((err as DashboardPushError).code).toBe('edited');
    expect((err as DashboardPushError).differences).toEqual(['views[0].title: "Routines" → "My routines"']);
    expect((err as Error).message).toContain('--force');
    expect(await dashboardConfig(conn, URL_PATH)).toEqual(edited);
    const forced = await runDashboard({ household, conn, push: true, force: true, www, recordFile });
    expect(forced.push).toMatchObject({ action: 'saved', overwritten: ['views[0].title: "Routines" → "My routines"'] });
    expect((await dashboardConfig(conn, URL_PATH))?.views[0]?.title).toBe('Routines');
  });

  it('keeps the dashboard in sync from hearth run (dashboard: sync: true), never over an edit', async () => {
    const SYNC = 'hearth-sync';
    const withSync = { ...household, config: { ...household.config, dashboard: { sync: true, url_path: SYNC } } } as Household;
    const ha = { whenRunning: async () => {}, sendMessage: <T>(m: { type: string }) => conn.sendMessagePromise<T>(m) };
    const syncRecord = join(hearth.dir, 'sync.json');
    const unit = createDashboardUnit({ household: withSync, ha, logger: silentLogger(), recordFile: syncRecord });
    unit.start();
    await unit.done;
    const expected = generateDashboard({ household: withSync, snapshot: await readSnapshot(conn), customCard: true }).config;
    expect(await dashboardConfig(conn, SYNC)).toEqual(expected);
    // The person edits it; the next sync (a reload makes the unit again) leaves it alone.
    const edited = { ...expected, title: 'Edited' };
    await saveDashboardConfig(conn, SYNC, edited);
    const next = createDashboardUnit({ household: withSync, ha, logger: silentLogger(), recordFile: syncRecord });
    next.start();
    await next.done;
    expect(await dashboardConfig(conn, SYNC)).toEqual(edited);
    // Without the option nothing is pushed.
    const off = createDashboardUnit({ household, ha, logger: silentLogger(), recordFile: join(hearth.dir, 'off.json') });
    off.start();
    await off.done;
    expect(existsSync(join(hearth.dir, 'off.json'))).toBe(false);
  });
});
