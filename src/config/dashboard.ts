/**
 * hearth.yaml's `rooms:` and `dashboard:` sections: what the generated Lovelace dashboard shows
 * beyond the device specs (a room's extra HA entities, its display name and HA area) and how
 * hearth keeps it (docs/dashboard.md).
 */
import { z } from 'zod';
import { slugId } from './names.js';

/** An HA entity id as HA's registry writes it: `<domain>.<object_id>`, lowercase. */
const entityId = z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'must be an HA entity id like vacuum.robot');

export const roomConfig = z
  .object({
    /** The presence nodes' `room:` value, or a room without a node. */
    id: slugId,
    name: z.string().min(1).optional(),
    /** HA area of the room (defaults to the presence nodes' area). */
    area: z.string().min(1).optional(),
    /** Extra HA entities shown in the room's view (a robot vacuum, a lamp). */
    entities: z.array(entityId).default([]),
  })
  .strict();

export const dashboardSettings = z
  .object({
    /** `hearth run` pushes the dashboard on start and reload (never over an edit made in HA). */
    sync: z.boolean().default(false),
    /** The storage-mode dashboard hearth owns; HA requires a hyphen in a dashboard's url path. */
    url_path: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, 'must be lowercase words joined by hyphens, e.g. hearth-home')
      .default('hearth-home'),
    /** HA's `www/` folder: the card is copied there and served as /local/hearth-card.js. */
    www: z.string().min(1).optional(),
  })
  .strict();

/** The two sections, as hearthConfig mounts them. */
export const dashboardSections = {
  rooms: z.array(roomConfig).default([]),
  dashboard: dashboardSettings.default(dashboardSettings.parse({})),
};

export type RoomConfig = z.output<typeof roomConfig>;
export type DashboardSettings = z.output<typeof dashboardSettings>;
