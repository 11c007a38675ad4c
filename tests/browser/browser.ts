/**
 * Headless Chromium for dashboard tests: Debian's `chromium` (toolchain/ensure.sh installs it)
 * driven by playwright-core, never a downloaded browser; a new empty profile per launch, no
 * background networking (it must contact nothing but HA on 127.0.0.1). Logging in goes
 * through Home Assistant's own auth-code flow: the login page HA redirects to, the owner's
 * username and password typed into it, HA's redirect back with the code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

/** A fresh browser with an empty user-data-dir (removed on close). */
export async function launchBrowser(
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-GB',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` (a page of HA), follows HA's redirect to its login page and logs in with
 * `username`/`password`; resolves once HA has sent the browser back with its auth code and
 * the frontend holds tokens.
 */
export async function loginThroughAuthFlow(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/auth\/authorize/, { timeout: 60_000 });
  const user = page.locator('input[autocomplete="username"], input[name="username"]').first();
  await user.waitFor({ timeout: 60_000 });
  await user.fill(username);
  const pass = page.locator('input[autocomplete="current-password"], input[name="password"], input[type="password"]').first();
  await pass.fill(password);
  await pass.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/auth/') && !u.search.includes('auth_callback'), { timeout: 60_000 });
  await page.waitForFunction(() => !!window.localStorage.getItem('hassTokens'), undefined, { timeout: 60_000 });
}

/** Text content of every element matching `selector` in the page (shadow roots pierced). */
export async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allInnerTexts();
}
