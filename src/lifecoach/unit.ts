/**
 * The life coach as one unit: name, start, stop, onReconnect — the hub's HubUnit contract,
 * kept structurally (no hub import), so the hub mounts it as the `lifecoach` unit and a
 * coach-only hearth runs it alone. It wires the parts: cameras (local ffmpeg or another
 * hearth's HTTP), the Ollama client, the runner, the schedule, the SQLite record, the cameras
 * switch (persisted: off stays off across restarts), the HA entities (discovery.ts) and the
 * stills' retention. Every I/O edge is a port in `LifecoachDeps`.
 *
 * Idle between check-ins, it holds only the schedule, its subscriptions and the store: the
 * check-in machinery (runner, prompt, answer schema; ollama-js in the client) is imported at the
 * first check-in, and the start-up model check goes over node:http (ollama/http-json.ts), so a
 * configured coach that has not checked in costs the hub next to nothing (bench/lifecoach.ts).
 */
import type { Database } from 'better-sqlite3';
import { join } from 'node:path';
import type { CameraPort, CheckinNotification, CheckinRunner, CheckinSources, CheckinTrigger, ModelPort } from './checkin/runner.js';
import type { CameraConfig, CheckinSettings, LifecoachSettings, OllamaSettings } from '../config/lifecoach.js';
import {
  checkinMessages,
  coachDiscovery,
  coachHealth,
  coachTopics,
  stillMessage,
  type CoachDiscoveryContext,
  type CoachHealth,
  type CoachMqttMessage,
} from './ha/discovery.js';
import { createOllamaClient, type ModelCheck, type OllamaClient } from './ollama/client.js';
import { mayCapture } from './checkin/rules.js';
import { createCheckinScheduler, type CheckinScheduler } from './scheduler.js';
import { createCameraSet, type CameraSet } from './stills/camera-set.js';
import { createStillsKeeper, type StillsKeeper } from './stills/keep.js';
import { createCheckinStore, type CheckinRecord, type CheckinStore } from './store.js';

/** The part of the hub's MQTT client the coach uses (HubMqtt fits). */
export interface CoachMqttPort {
  readonly state: string;
  publish(message: CoachMqttMessage): Promise<void>;
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): () => void;
}

export interface LifecoachLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface LifecoachDeps {
  cameras: readonly CameraConfig[];
  checkins: CheckinSettings;
  ollama: OllamaSettings;
  lifecoach: LifecoachSettings;
  timezone: string;
  /** checkins.quiet_hours, else the household's (minutes after midnight). */
  quietHours?: { from: number; to: number } | undefined;
  person: { id: string; name: string };
  sources: CheckinSources;
  mqtt: CoachMqttPort;
  discovery: CoachDiscoveryContext;
  /** Sends the notification through the person's notify service (ha/notification.ts builds the data). */
  notify(notification: CheckinNotification): Promise<void>;
  db: Database;
  /** Where kept stills go (`<state_dir>/stills`), only with keep_stills. */
  stateDir: string;
  clock: { now(): number };
  log?: LifecoachLog;
  /** ffmpeg and coreutils `timeout` binaries (default: from PATH; the NixOS module pins them). */
  ffmpeg?: string;
  watchdog?: string | false;
  /** Stills from another hearth (placement own-unit/remote); default: local ffmpeg capture. */
  cameraPort?: CameraPort & Partial<Pick<CameraSet, 'latest'>>;
  /** Replaces the Ollama client (tests of faults that need no HTTP). */
  model?: OllamaClient;
  random?: () => number;
}

export interface Lifecoach {
  readonly name: 'lifecoach';
  start(): Promise<void>;
  stop(): Promise<void>;
  onReconnect(link: 'mqtt' | 'homeassistant'): void;
  checkin(trigger: CheckinTrigger): Promise<CheckinRecord>;
  camerasOn(): boolean;
  setCameras(on: boolean): void;
  health(): { state: CoachHealth; model?: ModelCheck | undefined; next_checkin?: string | undefined };
  /** Why stills may not be captured now, or undefined (the HTTP route asks). */
  captureBlocked(): Promise<string | undefined>;
  readonly cameraPort: CameraPort & Partial<Pick<CameraSet, 'latest'>>;
  readonly store: CheckinStore;
}

const CAMERAS_KEY = 'cameras';
const PRUNE_EVERY_MS = 3600_000;

export function createLifecoach(deps: LifecoachDeps): Lifecoach {
  const store = createCheckinStore(deps.db);
  const cameraPort =
    deps.cameraPort ??
    createCameraSet({
      cameras: deps.cameras,
      now: () => deps.clock.now(),
      ...(deps.ffmpeg !== undefined ? { ffmpeg: deps.ffmpeg } : {}),
      ...(deps.watchdog !== undefined ? { watchdog: deps.watchdog } : {}),
    });
  const client = deps.model ?? createOllamaClient(deps.ollama);
  const topics = coachTopics(deps.discovery);
  let lastCheck: ModelCheck | undefined;
  let lastFailure: string | undefined;
  let stopped = true;
  const unsubscribe: Array<() => void> = [];
  let pruneTimer: NodeJS.Timeout | undefined;

  // The runner's model port, remembering the last /api/show answer for the health sensor.
  const model: ModelPort = {
    model: client.model,
    async checkModel(signal) {
      lastCheck = await client.checkModel(signal);
      return lastCheck;
    },
    chat: (input) => client.chat(input),
  };

  const stored = store.setting(CAMERAS_KEY);
  let camerasOn = stored === undefined ? deps.lifecoach.cameras_default_on : stored === 'on';

  const keeper: StillsKeeper | undefined = deps.lifecoach.keep_stills
    ? createStillsKeeper({ dir: join(deps.stateDir, 'stills'), retentionSeconds: deps.lifecoach.retention, now: () => deps.clock.now() })
    : undefined;

  // Made at the first check-in (a dynamic import): an idle coach does not load it.
  let runner: Promise<CheckinRunner> | undefined;
  const makeRunner = async (): Promise<CheckinRunner> => {
    const { CheckinRunner } = await import('./checkin/runner.js');
    return new CheckinRunner({
      person: deps.person,
      timezone: deps.timezone,
      settings: deps.checkins,
      quietHours: deps.quietHours,
      captureWhen: deps.lifecoach.capture_when,
      clock: deps.clock,
      sources: deps.sources,
      cameras: cameraPort,
      camerasOn: () => camerasOn,
      model,
      modelOptions: {
        num_ctx: deps.ollama.num_ctx,
        num_predict: deps.ollama.num_predict,
        keep_alive: deps.ollama.keep_alive,
        temperature: 0,
        think: false,
      },
      store,
      notifier: { deliver: (n) => deps.notify(n) },
      ...(keeper ? { keeper } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    });
  };

  const scheduler: CheckinScheduler | undefined =
    deps.checkins.daily || deps.checkins.cron
      ? createCheckinScheduler({
          settings: deps.checkins,
          timezone: deps.timezone,
          clock: deps.clock,
          ...(deps.random ? { random: deps.random } : {}),
          warmUp: () => client.warmUp(),
          checkin: () => checkin('schedule'),
          ...(deps.log ? { log: deps.log } : {}),
        })
      : undefined;

  const publish = (messages: readonly CoachMqttMessage[]): void => {
    if (stopped || deps.mqtt.state !== 'connected') return; // published again on reconnect
    for (const m of messages)
      void deps.mqtt
        .publish(m)
        .catch((error: unknown) => deps.log?.warn({ topic: m.topic, error: (error as Error).message }, 'publish failed'));
  };

  const health = (): ReturnType<Lifecoach['health']> => ({
    state: coachHealth({ camerasOn, model: lastCheck, lastFailure }),
    model: lastCheck,
    next_checkin: scheduler?.next ? new Date(scheduler.next.at).toISOString() : undefined,
  });

  const healthMessages = (): CoachMqttMessage[] => {
    // Until the first /api/show has answered, the health is not known: HA keeps showing unknown.
    if (lastCheck === undefined) return [];
    const h = health();
    const attributes = {
      model: deps.ollama.model,
      host: deps.ollama.host,
      model_check: h.model ?? null,
      last_failure: lastFailure ?? null,
      next_checkin: h.next_checkin ?? null,
    };
    return [
      { topic: topics.healthAttributes, payload: JSON.stringify(attributes), options: { retain: true, qos: 1 } },
      { topic: topics.health, payload: h.state, options: { retain: true, qos: 1 } },
    ];
  };
  const switchMessage = (): CoachMqttMessage => ({
    topic: topics.camerasState,
    payload: camerasOn ? 'ON' : 'OFF',
    options: { retain: true, qos: 1 },
  });
  const stillMessages = (): CoachMqttMessage[] =>
    cameraPort.names.flatMap((name) => {
      const still = cameraPort.latest?.(name);
      return still ? [stillMessage(deps.discovery, name, still.jpeg)] : [];
    });

  const republish = (): void => {
    publish(coachDiscovery(deps.discovery, deps.person, cameraPort.names));
    publish([switchMessage(), ...healthMessages(), ...stillMessages()]);
    const last = store.list({ limit: 1, person: deps.person.id })[0];
    if (last) publish(checkinMessages(deps.discovery, last).filter((m) => !m.topic.endsWith('/event')));
  };

  async function checkin(trigger: CheckinTrigger): Promise<CheckinRecord> {
    // A failed import is tried again at the next check-in.
    runner ??= makeRunner().catch((error: unknown) => {
      runner = undefined;
      throw error;
    });
    const record = await (await runner).run(trigger);
    const reason = record.reason ?? '';
    lastFailure = /^(model_unreachable|ollama_unreachable)/.test(reason)
      ? 'unreachable'
      : record.outcome === 'model'
        ? undefined
        : reason.split(':')[0] || undefined;
    publish([...checkinMessages(deps.discovery, record), ...stillMessages(), ...healthMessages()]);
    return record;
  }

  const setCameras = (on: boolean): void => {
    camerasOn = on;
    store.setSetting(CAMERAS_KEY, on ? 'on' : 'off', deps.clock.now());
    deps.log?.info({ cameras: on ? 'on' : 'off' }, 'cameras switch');
    publish([switchMessage(), ...healthMessages()]);
  };

  return {
    name: 'lifecoach',
    cameraPort,
    store,
    async start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe.push(
        deps.mqtt.subscribe(topics.camerasCommand, (_topic, payload) => {
          const command = payload.toString().trim().toUpperCase();
          if (command === 'ON' || command === 'OFF') setCameras(command === 'ON');
        }),
        deps.mqtt.subscribe(topics.checkinCommand(deps.person.id), () => {
          void checkin('button').catch((error: unknown) => deps.log?.warn({ error: (error as Error).message }, 'check-in failed'));
        }),
      );
      scheduler?.start();
      if (keeper) {
        const prune = (): void => void keeper.prune().catch(() => {});
        prune();
        pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
      }
      republish();
      // Say clearly at start whether the model is there and can see (the health sensor shows it).
      // Not awaited: an unreachable Ollama must not hold up the hub's start by its timeout.
      void model.checkModel().then(
        (check) => {
          if (check.status !== 'ok')
            deps.log?.warn(
              { model: check.model, status: check.status, detail: check.detail },
              'model not usable: check-ins fall back to routine data',
            );
          publish(healthMessages());
        },
        () => {},
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const u of unsubscribe.splice(0)) u();
      scheduler?.stop();
      clearInterval(pruneTimer);
      await (await runner?.catch(() => undefined))?.stop();
    },
    onReconnect(link) {
      if (link === 'mqtt') republish();
    },
    checkin,
    camerasOn: () => camerasOn,
    setCameras,
    health,
    async captureBlocked() {
      const presence = await deps.sources.presence();
      return mayCapture({ camerasOn, cameraCount: cameraPort.names.length, when: deps.lifecoach.capture_when, presence }).reason;
    },
  };
}
