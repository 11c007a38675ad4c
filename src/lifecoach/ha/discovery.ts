/**
 * The coach's HA entities through MQTT discovery, as pure message builders (the unit publishes
 * them with the hub's MQTT client). Same conventions as the hub's discovery.ts: retained config
 * on `<prefix>/<component>/<node>/<object>/config`, `unique_id`, `default_entity_id`, a device
 * block, `origin`, availability on hearth's status topic. Shapes are declared here structurally,
 * so the hub's DiscoveryContext and MqttMessage fit without an import.
 *
 * Entities, per HA's MQTT integration docs (sensor, event, switch, button, image):
 * - `sensor.<person>_checkin`: the short summary (≤ 255 characters) as state; message,
 *   observations, model, timings, outcome and reason in attributes;
 * - `event.<person>_checkin`: one event per check-in (`event_type`: model | data | skipped);
 * - `sensor.lifecoach_health`: ok, model_missing, no_vision, ollama_unreachable, cameras_off, error;
 * - `switch.lifecoach_cameras`: off = nothing is captured by anyone (state kept by hearth);
 * - `button.<person>_checkin_now`: a check-in on demand;
 * - `image.lifecoach_<camera>`: the latest still as JPEG bytes on `image_topic` — never
 *   retained (a broker must not keep private stills); republished when HA comes back online.
 */
import { stateText } from '../checkin/message.js';
import type { CheckinRecord } from '../store.js';

export interface CoachDiscoveryContext {
  prefix: string;
  baseTopic: string;
  version: string;
  nodeId?: string;
  /** Where the coach's availability is (default `<baseTopic>/status`; a coach-only hearth has its own). */
  availabilityTopic?: string;
}

export interface CoachMqttMessage {
  topic: string;
  payload: string | Buffer;
  options: { retain: boolean; qos: 0 | 1 | 2 };
}

export const HEALTH_STATES = ['ok', 'model_missing', 'no_vision', 'ollama_unreachable', 'cameras_off', 'error'] as const;
export type CoachHealth = (typeof HEALTH_STATES)[number];
export const CHECKIN_EVENT_TYPES = ['model', 'data', 'skipped'] as const;

const RETAINED = { retain: true, qos: 1 } as const;
const slug = (id: string): string => id.replace(/-/g, '_');

// --- topics ------------------------------------------------------------------------------
export const coachTopics = (ctx: CoachDiscoveryContext) => ({
  health: `${ctx.baseTopic}/lifecoach/health`,
  healthAttributes: `${ctx.baseTopic}/lifecoach/health/attributes`,
  camerasState: `${ctx.baseTopic}/lifecoach/cameras/state`,
  camerasCommand: `${ctx.baseTopic}/lifecoach/cameras/set`,
  checkinState: (person: string) => `${ctx.baseTopic}/lifecoach/${person}/checkin/state`,
  checkinAttributes: (person: string) => `${ctx.baseTopic}/lifecoach/${person}/checkin/attributes`,
  checkinEvent: (person: string) => `${ctx.baseTopic}/lifecoach/${person}/checkin/event`,
  checkinCommand: (person: string) => `${ctx.baseTopic}/lifecoach/${person}/checkin/run`,
  still: (camera: string) => `${ctx.baseTopic}/lifecoach/camera/${camera}/image`,
});

function config(ctx: CoachDiscoveryContext, component: string, objectId: string, body: Record<string, unknown>): CoachMqttMessage {
  const payload = {
    ...body,
    availability_topic: ctx.availabilityTopic ?? `${ctx.baseTopic}/status`,
    payload_available: 'online',
    payload_not_available: 'offline',
    origin: { name: 'hearth', sw_version: ctx.version },
  };
  return {
    topic: `${ctx.prefix}/${component}/${ctx.nodeId ?? 'hearth'}/${objectId}/config`,
    payload: JSON.stringify(payload),
    options: RETAINED,
  };
}

/** Every discovery config of the coach, for one person and the given cameras. */
export function coachDiscovery(
  ctx: CoachDiscoveryContext,
  person: { id: string; name: string },
  cameras: readonly string[],
): CoachMqttMessage[] {
  const t = coachTopics(ctx);
  const p = slug(person.id);
  const device = {
    identifiers: ['hearth_lifecoach'],
    name: 'Life coach',
    manufacturer: 'hearth',
    model: 'Life coach',
    sw_version: ctx.version,
  };
  return [
    config(ctx, 'sensor', `${p}_checkin`, {
      name: `${person.name} check-in`,
      unique_id: `hearth_lifecoach_${p}_checkin`,
      default_entity_id: `sensor.${p}_checkin`,
      icon: 'mdi:account-heart',
      state_topic: t.checkinState(person.id),
      json_attributes_topic: t.checkinAttributes(person.id),
      device,
    }),
    config(ctx, 'event', `${p}_checkin`, {
      name: `${person.name} check-in`,
      unique_id: `hearth_lifecoach_${p}_checkin_event`,
      default_entity_id: `event.${p}_checkin`,
      event_types: [...CHECKIN_EVENT_TYPES],
      state_topic: t.checkinEvent(person.id),
      device,
    }),
    config(ctx, 'button', `${p}_checkin_now`, {
      name: `${person.name} check-in now`,
      unique_id: `hearth_lifecoach_${p}_checkin_now`,
      default_entity_id: `button.${p}_checkin_now`,
      icon: 'mdi:message-text-clock',
      command_topic: t.checkinCommand(person.id),
      payload_press: 'run',
      qos: 1,
      retain: false,
      device,
    }),
    config(ctx, 'sensor', 'lifecoach_health', {
      name: 'Health',
      unique_id: 'hearth_lifecoach_health',
      default_entity_id: 'sensor.lifecoach_health',
      device_class: 'enum',
      options: [...HEALTH_STATES],
      entity_category: 'diagnostic',
      state_topic: t.health,
      json_attributes_topic: t.healthAttributes,
      device,
    }),
    config(ctx, 'switch', 'lifecoach_cameras', {
      name: 'Cameras',
      unique_id: 'hearth_lifecoach_cameras',
      default_entity_id: 'switch.lifecoach_cameras',
      icon: 'mdi:webcam',
      state_topic: t.camerasState,
      command_topic: t.camerasCommand,
      payload_on: 'ON',
      payload_off: 'OFF',
      qos: 1,
      retain: false,
      device,
    }),
    ...cameras.map((camera) =>
      config(ctx, 'image', `lifecoach_${slug(camera)}`, {
        name: `Camera ${camera}`,
        unique_id: `hearth_lifecoach_camera_${slug(camera)}`,
        default_entity_id: `image.lifecoach_${slug(camera)}`,
        image_topic: t.still(camera),
        content_type: 'image/jpeg',
        device,
      }),
    ),
  ];
}

/** The check-in's state, attributes (retained) and its event (not retained: an event happens once). */
export function checkinMessages(ctx: CoachDiscoveryContext, record: CheckinRecord): CoachMqttMessage[] {
  const t = coachTopics(ctx);
  const attributes = {
    id: record.id,
    at: new Date(record.started_at).toISOString(),
    trigger: record.trigger,
    outcome: record.outcome,
    reason: record.reason,
    message: record.message?.message ?? null,
    observations: record.message?.observations ?? [],
    routines: record.message?.routines ?? [],
    model: record.outcome === 'model' ? record.model : null,
    timings: record.timings,
  };
  const summary = record.message ? stateText(record.message.summary) : `skipped (${record.reason ?? 'no reason'})`;
  const event = { event_type: record.outcome, id: record.id, summary, reason: record.reason };
  return [
    { topic: t.checkinAttributes(record.person), payload: JSON.stringify(attributes), options: RETAINED },
    { topic: t.checkinState(record.person), payload: stateText(summary), options: RETAINED },
    { topic: t.checkinEvent(record.person), payload: JSON.stringify(event), options: { retain: false, qos: 1 } },
  ];
}

/** The health sensor from what is known: the cameras switch, the last model check, the last call. */
export function coachHealth(input: {
  camerasOn: boolean;
  model?: { status: string } | undefined;
  lastFailure?: string | undefined;
}): CoachHealth {
  if (input.model?.status === 'model_missing') return 'model_missing';
  if (input.model?.status === 'no_vision') return 'no_vision';
  if (input.model?.status === 'unreachable' || input.lastFailure === 'unreachable') return 'ollama_unreachable';
  if (input.model?.status === 'error') return 'error';
  if (!input.camerasOn) return 'cameras_off';
  return 'ok';
}

/** A still for its image entity: raw JPEG, never retained. */
export function stillMessage(ctx: CoachDiscoveryContext, camera: string, jpeg: Buffer): CoachMqttMessage {
  return { topic: coachTopics(ctx).still(camera), payload: jpeg, options: { retain: false, qos: 0 } };
}
