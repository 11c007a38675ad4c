import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleVersion, cardUrl, installCard, isCardResource, yamlAdvice } from '../../../src/dashboard/resources.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-card-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hearth's card resource", () => {
  it('versions the URL by content, so a new bundle is not cached away', () => {
    expect(cardUrl(bundleVersion('a'))).toMatch(/^\/local\/hearth-card\.js\?v=[0-9a-f]{12}$/);
    expect(bundleVersion('a')).not.toBe(bundleVersion('b'));
  });

  it("recognises the card's resource in any version (so it is updated, not duplicated)", () => {
    expect(isCardResource('/local/hearth-card.js?v=123')).toBe(true);
    expect(isCardResource('/hacsfiles/hearth-card.js')).toBe(true);
    expect(isCardResource('/local/other-card.js?v=hearth-card.js')).toBe(false);
  });

  it('installs the bundle into www under its own name and says the URL', () => {
    const bundle = join(dir, 'bundle.js');
    writeFileSync(bundle, 'customElements.define("hearth-card", class {});');
    const www = mkdtempSync(join(dir, 'www-'));
    const { path, url } = installCard(www, bundle);
    expect(path).toBe(join(www, 'hearth-card.js'));
    expect(readFileSync(path, 'utf8')).toContain('hearth-card');
    expect(url).toBe(cardUrl(bundleVersion(readFileSync(bundle))));
  });

  it('names the file when the bundle or the www folder is missing', () => {
    expect(() => installCard(join(dir, 'nope'), join(dir, 'bundle.js'))).toThrow(`${join(dir, 'nope')}: not a directory (HA's www folder`);
    expect(() => installCard(dir, join(dir, 'missing.js'))).toThrow('run npm run build:card');
  });

  it('tells what to add when resources are kept in YAML', () => {
    expect(yamlAdvice('/local/hearth-card.js?v=abc')).toContain(
      'lovelace:\n    resources:\n      - url: /local/hearth-card.js?v=abc\n        type: module',
    );
  });
});
