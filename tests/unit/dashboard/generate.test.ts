import { beforeAll, describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../src/config/load.js';
import type { Household } from '../../../src/config/household.js';
import { householdEntities } from '../../../src/config/entity-ids.js';
import { generateDashboard } from '../../../src/dashboard/generate.js';
import { entitiesOfCard, type LovelaceCard, type LovelaceConfig } from '../../../src/dashboard/cards.js';
import { householdRooms } from '../../../src/dashboard/rooms.js';
import { remove, rename, snapshotOf, withCoach } from './snapshot-fixture.js';

let household: Household;
beforeAll(async () => {
  household = await loadHousehold({ configFile: 'hearth.yaml', devicesDir: 'devices' });
});

const cardsOf = (config: LovelaceConfig): LovelaceCard[] => config.views.flatMap((v) => v.sections.flatMap((s) => s.cards));
const allEntities = (config: LovelaceConfig): string[] => cardsOf(config).flatMap(entitiesOfCard);
const viewCards = (config: LovelaceConfig, path: string): LovelaceCard[] => {
  const v = config.views.find((x) => x.path === path);
  if (!v) throw new Error(`no view ${path}: ${config.views.map((x) => x.path).join(', ')}`);
  return v.sections.flatMap((s) => s.cards);
};

describe('generated dashboard', () => {
  it('shows every device, room, routine and person', () => {
    const snapshot = snapshotOf(household);
    const { config, warnings } = generateDashboard({ household, snapshot, customCard: true });
    expect(warnings).toEqual([]);
    const used = new Set(allEntities(config));
    // every device: at least one of its entities is on the dashboard
    for (const device of householdEntities(household)) {
      expect(
        device.entities.some((e) => used.has(e.entityId)),
        device.device,
      ).toBe(true);
    }
    // every room: a view of its own
    for (const room of householdRooms(household)) expect(config.views.map((v) => v.path)).toContain(`room-${room.id}`);
    expect(config.views.map((v) => v.title)).toEqual(['Routines', 'Bedroom', 'Kitchen', 'Living room', 'Office']);
    // every routine: a heading with its title and its state sensor, and a row in hearth's card
    const routines = viewCards(config, 'routines');
    const card = routines.find((c) => c.type === 'custom:hearth-card') as { routines: { entity: string; done: string }[] } | undefined;
    for (const r of household.config.routines) {
      expect(routines.some((c) => c.type === 'heading' && c.heading === r.title)).toBe(true);
      expect(used.has(`sensor.routine_${r.id.replace(/-/g, '_')}`)).toBe(true);
      expect(card?.routines).toContainEqual(
        expect.objectContaining({
          entity: `sensor.routine_${r.id.replace(/-/g, '_')}`,
          done: `button.routine_${r.id.replace(/-/g, '_')}_done`,
        }),
      );
    }
    // every person: in "who is here" of every presence room, visible only while there
    for (const room of ['kitchen', 'bedroom', 'living-room', 'office']) {
      const sam = viewCards(config, `room-${room}`).find((c) => c.type === 'tile' && c.name === 'Sam');
      expect(sam).toMatchObject({
        entity: 'sensor.sam_room',
        visibility: [{ condition: 'state', entity: 'sensor.sam_room', state: room }],
      });
    }
  });

  it('names no entity HA does not have', () => {
    const snapshot = snapshotOf(household);
    remove(snapshot, 'button.routine_water_plants_skip');
    const strip = householdEntities(household).find((d) => d.device === 'bedroom-strip')!.entities[0]!.entityId;
    remove(snapshot, strip);
    const { config, warnings } = generateDashboard({ household, snapshot, customCard: true });
    const have = new Set(snapshot.entities.map((e) => e.entity_id));
    for (const id of allEntities(config)) expect(have.has(id), id).toBe(true);
    expect(allEntities(config)).not.toContain('button.routine_water_plants_skip');
    expect(warnings).toEqual([expect.stringContaining(`device bedroom-strip: HA has no light "Light" (${strip})`)]);
  });

  it('takes ids from the registries, not from names: renamed entities are followed', () => {
    const snapshot = snapshotOf(household);
    rename(snapshot, 'sensor.routine_morning_meds', 'sensor.pills');
    rename(snapshot, 'sensor.sam_room', 'sensor.where_is_sam');
    const led = householdEntities(household)
      .find((d) => d.device === 'kitchen-meds-button')!
      .entities.find((e) => e.role === 'led')!.entityId;
    rename(snapshot, led, 'light.pills_led');
    const { config } = generateDashboard({ household, snapshot, customCard: true });
    const used = allEntities(config);
    expect(used).toContain('sensor.pills');
    expect(used).toContain('sensor.where_is_sam');
    expect(used).toContain('light.pills_led');
    expect(used).not.toContain('sensor.routine_morning_meds');
    expect(used).not.toContain(led);
  });

  it('leaves out what hearth has not published yet, and says so', () => {
    const snapshot = snapshotOf(household);
    snapshot.entities = snapshot.entities.filter((e) => e.platform !== 'mqtt');
    snapshot.states = snapshot.entities.map((e) => e.entity_id);
    const { config, warnings } = generateDashboard({ household, snapshot, customCard: true });
    expect(cardsOf(config).some((c) => c.type === 'custom:hearth-card')).toBe(false);
    expect(warnings).toContain(
      'routine morning-meds: HA has no state sensor for it (unique_id hearth_routine_morning_meds); has hearth run against this HA?',
    );
    expect(warnings.some((w) => w.startsWith('person sam:'))).toBe(true);
  });

  it('names trackers by their label from hearth.yaml', () => {
    const { config } = generateDashboard({ household, snapshot: snapshotOf(household), customCard: false });
    const names = viewCards(config, 'room-kitchen')
      .filter((c) => c.icon === 'mdi:bluetooth' && c.type === 'tile')
      .map((c) => c.name);
    expect(names).toEqual(["Sam's iPhone", "Sam's Apple Watch"]);
  });

  it('shows the LED strip with a button per effect', () => {
    const { config } = generateDashboard({ household, snapshot: snapshotOf(household), customCard: false });
    const strip = householdEntities(household).find((d) => d.device === 'bedroom-strip')!.entities[0]!;
    const cards = viewCards(config, 'room-bedroom');
    expect(cards).toContainEqual(
      expect.objectContaining({ type: 'tile', entity: strip.entityId, features: [{ type: 'light-brightness' }] }),
    );
    const effects = cards.filter((c) => c.type === 'button').map((c) => c.name);
    expect(effects).toEqual(strip.effects);
    expect(effects.length).toBeGreaterThan(0);
  });

  it("uses hearth's card only when its resource is available", () => {
    const without = generateDashboard({ household, snapshot: snapshotOf(household), customCard: false });
    expect(cardsOf(without.config).some((c) => c.type.startsWith('custom:'))).toBe(false);
  });

  it('lists extra room entities; to-do lists and stills only when their integration is loaded', () => {
    const withRooms = {
      ...household,
      config: {
        ...household.config,
        rooms: [{ id: 'kitchen', entities: ['todo.shopping', 'image.kitchen_still', 'vacuum.robot', 'light.gone'] }],
      },
    } as Household;
    const snapshot = snapshotOf(withRooms);
    snapshot.states.push('todo.shopping', 'image.kitchen_still', 'vacuum.robot');
    const plain = generateDashboard({ household: withRooms, snapshot, customCard: false });
    const kitchen = viewCards(plain.config, 'room-kitchen');
    expect(
      kitchen.filter((c) => ['todo.shopping', 'image.kitchen_still', 'vacuum.robot'].includes(c.entity as string)).map((c) => c.type),
    ).toEqual(['tile', 'tile', 'tile']);
    expect(plain.warnings).toContain('room kitchen: HA has no entity light.gone (listed in hearth.yaml rooms:)');
    snapshot.components.push('todo', 'image');
    const rich = viewCards(generateDashboard({ household: withRooms, snapshot, customCard: false }).config, 'room-kitchen');
    expect(rich.find((c) => c.entity === 'todo.shopping')?.type).toBe('todo-list');
    expect(rich.find((c) => c.entity === 'image.kitchen_still')?.type).toBe('picture-entity');
  });

  it("adds the coach view from the life coach's real entities, only when HA has them", () => {
    const snapshot = snapshotOf(household, ['mqtt', 'esphome', 'image']);
    expect(generateDashboard({ household, snapshot, customCard: true }).config.views.map((v) => v.path)).not.toContain('coach');
    const withCameras = { ...household, config: { ...household.config, cameras: [{ name: 'desk' }] } } as Household;
    withCoach(snapshot, household.config.people[0]!, ['desk']);
    // Something else of hearth's that merely looks like the coach's is not taken for it.
    snapshot.entities.push({
      entity_id: 'sensor.fake_checkin',
      platform: 'mqtt',
      unique_id: 'hearth_coach_checkin',
      device_id: null,
      disabled_by: null,
    });
    snapshot.states.push('sensor.fake_checkin');
    const { config, warnings } = generateDashboard({ household: withCameras, snapshot, customCard: true });
    expect(warnings).toEqual([]);
    expect(viewCards(config, 'coach').map((c) => [c.type, c.entity])).toEqual([
      ['heading', undefined],
      ['tile', 'sensor.sam_checkin'],
      ['tile', 'event.sam_checkin'],
      ['tile', 'button.sam_checkin_now'],
      ['tile', 'sensor.lifecoach_health'],
      ['tile', 'switch.lifecoach_cameras'],
      ['picture-entity', 'image.lifecoach_desk'],
    ]);
    expect(viewCards(config, 'routines').find((c) => c.type === 'custom:hearth-card')).toMatchObject({ checkin: 'sensor.sam_checkin' });
    // Renamed in HA: followed through the registry (unique_id), not guessed from the name.
    rename(snapshot, 'sensor.sam_checkin', 'sensor.how_is_sam');
    const renamed = generateDashboard({ household: withCameras, snapshot, customCard: true }).config;
    expect(viewCards(renamed, 'routines').find((c) => c.type === 'custom:hearth-card')).toMatchObject({ checkin: 'sensor.how_is_sam' });
    // Without the image integration the still is left out.
    snapshot.components = ['mqtt', 'esphome'];
    const noImage = generateDashboard({ household: withCameras, snapshot, customCard: true }).config;
    expect(viewCards(noImage, 'coach').some((c) => c.type === 'picture-entity')).toBe(false);
  });

  it('is deterministic', () => {
    const a = generateDashboard({ household, snapshot: snapshotOf(household), customCard: true });
    const b = generateDashboard({ household, snapshot: snapshotOf(household), customCard: true });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
