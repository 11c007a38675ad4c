/**
 * Builders for the Lovelace cards the dashboard uses, as plain objects (what `lovelace/config`
 * stores and `--out` writes as YAML). Only cards built into HA's frontend plus hearth's own
 * card; fields as the frontend documents them (home-assistant.io/dashboards/: heading, tile,
 * button, markdown, todo-list, picture-entity; sections views with per-card `visibility`).
 */

export type LovelaceCard = { type: string } & Record<string, unknown>;

export interface LovelaceSection {
  type: 'grid';
  cards: LovelaceCard[];
  column_span?: number;
}

export interface LovelaceView {
  title: string;
  path: string;
  icon?: string;
  type: 'sections';
  max_columns?: number;
  sections: LovelaceSection[];
}

export interface LovelaceConfig {
  title: string;
  views: LovelaceView[];
}

/** A visibility condition of a card in a sections view. */
export type Condition = { condition: 'state'; entity: string; state?: string | string[]; state_not?: string | string[] };

export const heading = (text: string, icon?: string, style: 'title' | 'subtitle' = 'title'): LovelaceCard => ({
  type: 'heading',
  heading: text,
  heading_style: style,
  ...(icon ? { icon } : {}),
});

export const tile = (entity: string, extra: Record<string, unknown> = {}): LovelaceCard => ({ type: 'tile', entity, ...extra });

/** A tile across its section's whole width (long names and state lines stay readable). */
export const wideTile = (entity: string, extra: Record<string, unknown> = {}): LovelaceCard =>
  tile(entity, { ...extra, grid_options: { columns: 12 } });

/** A tile that presses a button entity when tapped (instead of opening its more-info). */
export const pressTile = (entity: string, name: string, icon: string): LovelaceCard =>
  tile(entity, {
    name,
    icon,
    vertical: true,
    // A button's state is the time it was last pressed ("Unknown" before): noise on a tile.
    hide_state: true,
    // Three to a row (a section is 12 columns wide).
    grid_options: { columns: 4 },
    tap_action: { action: 'perform-action', perform_action: 'button.press', target: { entity_id: entity } },
    icon_tap_action: { action: 'perform-action', perform_action: 'button.press', target: { entity_id: entity } },
  });

export const markdown = (content: string, extra: Record<string, unknown> = {}): LovelaceCard => ({ type: 'markdown', content, ...extra });

/** A button card that switches a light on with one effect. */
export const effectButton = (light: string, effect: string): LovelaceCard => ({
  type: 'button',
  name: effect,
  icon: 'mdi:palette',
  show_state: false,
  tap_action: { action: 'perform-action', perform_action: 'light.turn_on', target: { entity_id: light }, data: { effect } },
});

export const todoList = (entity: string): LovelaceCard => ({ type: 'todo-list', entity });

export const pictureEntity = (entity: string, name?: string): LovelaceCard => ({
  type: 'picture-entity',
  entity,
  ...(name ? { name } : {}),
  show_state: false,
  camera_view: 'auto',
});

export const section = (cards: LovelaceCard[], columnSpan?: number): LovelaceSection => ({
  type: 'grid',
  cards,
  ...(columnSpan ? { column_span: columnSpan } : {}),
});

/**
 * A sections view. No `icon`: HA's tab bar shows a view's icon instead of its title, and rooms
 * would be tabs of identical floor-plan icons; the titles say which room is which.
 */
export const view = (title: string, path: string, sections: LovelaceSection[]): LovelaceView => ({
  title,
  path,
  type: 'sections',
  max_columns: 4,
  sections,
});

/** Every entity id a card (or its actions and conditions) names, for checks and tests. */
export function entitiesOfCard(card: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'entity' || key === 'entity_id' || key === 'done' || key === 'snooze' || key === 'skip' || key === 'checkin')
        found.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(card);
  return found;
}
