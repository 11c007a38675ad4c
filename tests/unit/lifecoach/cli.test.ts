/** `hearth checkin now|list` against the coach's routes on a real express server. */
import Database from 'better-sqlite3';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth } from '../../../src/hub/http/auth.js';
import { checkinNow, formatCheckin, listCheckins } from '../../../src/lifecoach/cli.js';
import { coachRouter } from '../../../src/lifecoach/http/routes.js';
import { createCheckinStore, type CheckinRecord } from '../../../src/lifecoach/store.js';
import { checkinRecord } from './fixtures.js';

const store = createCheckinStore(new Database(':memory:'));
const record = (id: string, at: number, over: Partial<CheckinRecord> = {}): CheckinRecord =>
  checkinRecord(id, at, {
    reason: 'ollama_timeout_first_token: no first token within 120s (model still loading?)',
    message: { source: 'data', summary: 'Still open: meds.', message: 'Good morning.', observations: [], routines: [], actionable: [] },
    ...over,
  });
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(
    coachRouter({
      auth: bearerAuth(() => 'tok'),
      cameras: { names: [], captureAll: async () => ({ stills: [], failures: [], records: [] }) },
      captureBlocked: () => undefined,
      runCheckin: async (trigger) => {
        const r = record(`c${store.list().length + 1}`, Date.UTC(2026, 10, 30, 8, 30 + store.list().length), { trigger });
        store.save(r, []);
        return r;
      },
      store,
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('hearth checkin', () => {
  it('now runs one and lists it', async () => {
    const r = await checkinNow({ base, token: 'tok' });
    expect(r.id).toBe('c1');
    await checkinNow({ base, token: 'tok' });
    const list = await listCheckins({ base, token: 'tok' }, 10);
    expect(list.map((x) => x.id)).toEqual(['c2', 'c1']);
    expect(formatCheckin(list[0]!)).toBe(
      '2026-11-30 08:31  cli       data     Still open: meds. (ollama_timeout_first_token: no first token within 120s (mod…)',
    );
    expect(formatCheckin(record('s', 0, { outcome: 'skipped', reason: 'away', message: null, trigger: 'schedule' }))).toBe(
      '1970-01-01 00:00  schedule  skipped  — (away)',
    );
    // The API without the CLI's header is recorded as the API.
    const viaApi = (await (
      await fetch(`${base}/api/checkin?wait=1`, { method: 'POST', headers: { authorization: 'Bearer tok' } })
    ).json()) as {
      trigger: string;
    };
    expect(viaApi.trigger).toBe('api');
  });

  it('says what is wrong: a bad token, no hub', async () => {
    await expect(listCheckins({ base, token: 'nope' }, 5)).rejects.toThrow(/^401: invalid bearer token/);
    await expect(listCheckins({ base: 'http://127.0.0.1:9', token: 'tok' }, 5)).rejects.toThrow(
      /cannot reach hearth at http:\/\/127.0.0.1:9/,
    );
  });
});
