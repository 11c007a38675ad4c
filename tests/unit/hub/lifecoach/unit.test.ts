/**
 * The `lifecoach` hub unit: what runs in this process by placement and configuration (idle
 * without `checkins:`/`cameras:`, stills only when the coach runs elsewhere, the whole coach),
 * the notification through the person's notify service with the hub's own action ids, the
 * stills route behind the token following the coach's retained switch state, and the sandbox's
 * hearth.yaml (tests/stand-ins/coach-sandbox.ts) loading as the hub loads it.
 */
import Database from 'better-sqlite3';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Household } from '../../../../src/config/household.js';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import type { HaClient } from '../../../../src/hub/ha/client.js';
import { bearerAuth } from '../../../../src/hub/http/auth.js';
import { createLifecoachUnit } from '../../../../src/hub/lifecoach/unit.js';
import type { HubMqtt } from '../../../../src/hub/mqtt/client.js';
import type { Store } from '../../../../src/hub/store/store.js';
import type { CoachPlacement, UnitDeps } from '../../../../src/hub/unit.js';
import { silentLogger } from '../../../../src/log.js';
import { startSandboxCoach } from '../../../stand-ins/coach-sandbox.js';
import { lavfiCamera } from '../../../stand-ins/lavfi-cameras.js';
import { startOllamaStandIn, answerFromFacts, type OllamaStandIn } from '../../../stand-ins/ollama-server.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

let household: Household;
let standIn: OllamaStandIn;
beforeAll(async () => {
  household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
  standIn = await startOllamaStandIn();
  standIn.set({ answer: answerFromFacts });
});
afterAll(() => standIn?.close());

function deps(config: Partial<Household['config']>, coach?: CoachPlacement) {
  const calls: Array<{ domain: string; service: string; data: Record<string, unknown> | undefined }> = [];
  const handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  const h: Household = { ...household, config: { ...household.config, ...config } };
  const ha = {
    state: 'connected',
    callService: async (domain: string, service: string, data?: Record<string, unknown>) => void calls.push({ domain, service, data }),
    sendMessage: async (m: { type: string }) => {
      if (m.type === 'get_states') {
        return [
          {
            entity_id: 'sensor.routine_morning_meds',
            state: 'due',
            attributes: { title: 'Take morning meds', due_since: new Date(Date.now() - 60_000).toISOString(), streak: '3 of 7' },
          },
          { entity_id: 'sensor.sam_room', state: 'office', attributes: {} },
        ];
      }
      return { response: {} };
    },
  } as unknown as HaClient;
  const mqtt = {
    state: 'connected',
    publish: async () => {},
    subscribe: (filter: string, handler: (topic: string, payload: Buffer) => void) => (
      handlers.set(filter, handler),
      () => handlers.delete(filter)
    ),
  } as unknown as HubMqtt;
  const d: UnitDeps = {
    household: h,
    devices: householdEntities(h),
    ha,
    mqtt,
    store: { db: new Database(':memory:') } as unknown as Store,
    context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
    clock: { now: () => Date.now() },
    logger: silentLogger(),
    stateDir: '/nonexistent',
    ...(coach ? { coach } : {}),
  };
  return { deps: d, calls, handlers };
}

const cameras = [lavfiCamera('desk', { size: '320x180', unpaced: true }), lavfiCamera('kitchen', { size: '320x180', unpaced: true })];
const coachConfig = () =>
  ({
    cameras,
    checkins: {
      ...household.config.checkins,
      jitter: 0,
      warm_up: 0,
      when_away: 'normal',
      in_quiet_hours: 'normal',
      recent: 3,
      data_first: false,
    },
    ollama: { ...household.config.ollama, host: standIn.url },
    lifecoach: { ...household.config.lifecoach, capture_when: { person_home: false } },
  }) as unknown as Partial<Household['config']>;

/** Serves the unit's routes (behind the real bearer check) on a loopback port. */
async function serve(router: express.RequestHandler): Promise<{ base: string; close(): Promise<void> }> {
  const app = express();
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
}

describe('lifecoach hub unit', () => {
  it('is idle without checkins and cameras (the repo hearth.yaml): no routes, nothing started', async () => {
    const unit = createLifecoachUnit(deps({}).deps);
    expect(unit.role).toBe('idle');
    expect(unit.routes(bearerAuth(() => 't'))).toBeUndefined();
    await unit.start();
    await unit.stop();
  });

  it("with cameras but the coach elsewhere (--no-lifecoach): stills only, behind the token, following the coach's switch", async () => {
    const { deps: d, handlers } = deps({ cameras } as Partial<Household['config']>, { role: 'stills' });
    const unit = createLifecoachUnit(d);
    expect(unit.role).toBe('stills');
    await unit.start();
    const http = await serve(unit.routes(bearerAuth(() => 'tok'))!);
    try {
      expect((await fetch(`${http.base}/stills/desk.jpg`)).status).toBe(401);
      // Nothing heard from the coach yet (broker down, retained state lost): no capture.
      const unknown = await fetch(`${http.base}/stills/desk.jpg`, { headers: { authorization: 'Bearer tok' } });
      expect(unknown.status).toBe(503);
      expect(((await unknown.json()) as { reason: string }).reason).toBe('cameras_off');
      handlers.get('hearth/lifecoach/cameras/state')!('hearth/lifecoach/cameras/state', Buffer.from('ON'));
      const ok = await fetch(`${http.base}/stills/desk.jpg`, { headers: { authorization: 'Bearer tok' } });
      expect(ok.status).toBe(200);
      expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      expect((await fetch(`${http.base}/api/checkin`, { method: 'POST', headers: { authorization: 'Bearer tok' } })).status).toBe(404);
      // The coach (another process) turned the cameras off: its retained state says so.
      handlers.get('hearth/lifecoach/cameras/state')!('hearth/lifecoach/cameras/state', Buffer.from('OFF'));
      const off = await fetch(`${http.base}/stills/desk.jpg`, { headers: { authorization: 'Bearer tok' } });
      expect(off.status).toBe(503);
      expect(((await off.json()) as { reason: string }).reason).toBe('cameras_off');
    } finally {
      await http.close();
      await unit.stop();
    }
  });

  it('placement off (lifecoach.enabled false): idle even with cameras', () => {
    expect(createLifecoachUnit(deps(coachConfig(), { role: 'off' }).deps).role).toBe('idle');
  });

  it("the whole coach: a check-in from HA facts goes to the person's notify service with the hub's action ids", async () => {
    const { deps: d, calls } = deps(coachConfig());
    const unit = createLifecoachUnit(d);
    expect(unit.role).toBe('coach');
    await unit.start();
    try {
      const record = await unit.coach!.checkin('manual');
      expect(record.outcome).toBe('model');
      expect(record.context!.routines.map((r) => [r.id, r.status])).toEqual([['morning-meds', 'pending']]);
      expect(record.context!.room).toBe('office');
      const notify = calls.find((c) => c.domain === 'notify');
      expect(notify?.service).toBe('mobile_app_sams_phone');
      expect((notify!.data!.data as { actions: Array<{ action: string }> }).actions.map((a) => a.action)).toEqual([
        'HEARTH_DONE:morning-meds',
        'HEARTH_SNOOZE:morning-meds',
      ]);
    } finally {
      await unit.stop();
    }
  }, 60_000);
});

describe('sandbox hookup (tests/stand-ins/coach-sandbox.ts)', () => {
  it('writes a hearth.yaml the hub loads, with both webcams, the schedule and the stand-in as the Ollama host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-sandbox-coach-'));
    const coach = await startSandboxCoach(dir);
    try {
      const loaded = await loadForHub(coach.configFile, repo('devices'), silentLogger());
      expect(loaded.config.cameras.map((c) => c.name)).toEqual(['desk', 'kitchen']);
      expect(loaded.config.checkins?.cron).toBe('*/15 * * * *');
      expect(loaded.config.ollama.host).toBe(coach.ollamaUrl);
      // The sandbox's HA has no phone: notifications go to its own notification panel.
      expect(loaded.config.people.map((p) => p.notify)).toEqual(loaded.config.people.map(() => 'persistent_notification'));
      expect(loaded.config.people.length).toBeGreaterThan(0);
      expect((await fetch(`${coach.ollamaUrl}/api/version`)).status).toBe(200);
      expect(coach.lines('http://127.0.0.1:1', '/x').join('\n')).toContain('/api/checkin?wait=1');
    } finally {
      await coach.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
