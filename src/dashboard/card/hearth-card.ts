/// <reference lib="dom" />
/**
 * hearth's Lovelace card (`type: custom:hearth-card`), a Lit element as HA's own frontend
 * writes its cards: today's routines as a checklist (due time, state, streak) with Done and
 * Snooze, which press hearth's HA buttons through `hass.callService('button', 'press')`, and
 * the life coach's latest check-in. Everything comes through the `hass` object HA hands the
 * card (no token, no other connection). Colours are HA's theme variables, so light and dark
 * themes apply. Sizes itself in sections views (`getGridOptions`), registers in the card
 * picker (`window.customCards`), and shows a clear message for a missing entity.
 *
 * Built by `npm run build:card` (esbuild) into dist/card/hearth-card.js.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { CARD_ELEMENT, CARD_TYPE, checkConfig, type HearthCardConfig } from './config.js';
import { checkinView, routineRows, type Row, type States } from './model.js';

/** The part of HA's `hass` object the card uses (frontend src/types.ts `HomeAssistant`). */
export interface Hass {
  states: States;
  config: { time_zone: string };
  callService(domain: string, service: string, data?: Record<string, unknown>, target?: { entity_id: string }): Promise<unknown>;
}

export class HearthCard extends LitElement {
  static override properties = {
    hass: { attribute: false },
    config: { state: true },
    pressing: { state: true },
  };

  declare hass: Hass | undefined;
  declare config: HearthCardConfig | undefined;
  /** Button entity being pressed (its button is disabled until HA answers). */
  declare pressing: string | undefined;

  setConfig(config: unknown): void {
    this.config = checkConfig(config);
  }

  /** Height in 50 px rows for masonry views. */
  getCardSize(): number {
    return 1 + (this.config?.routines.length ?? 0) + (this.config?.checkin ? 2 : 0);
  }

  /** Sections views: the section's full width, at least half a column; height follows the content. */
  getGridOptions(): { columns: number | 'full'; min_columns: number; min_rows: number } {
    return { columns: 'full', min_columns: 6, min_rows: 2 };
  }

  /** What the card picker inserts: hearth's routine sensors (they carry `streak` and `next_due`). */
  static getStubConfig(hass: Hass): HearthCardConfig {
    const routines = Object.entries(hass.states)
      .filter(([id, s]) => id.startsWith('sensor.') && s && 'streak' in s.attributes && 'next_due' in s.attributes)
      .map(([entity]) => ({ entity }));
    return { type: CARD_TYPE, routines };
  }

  private press(entity: string): void {
    if (!this.hass) return;
    this.pressing = entity;
    this.hass
      .callService('button', 'press', {}, { entity_id: entity })
      .catch((err: unknown) => console.error(`hearth-card: pressing ${entity} failed`, err))
      .finally(() => {
        if (this.pressing === entity) this.pressing = undefined;
      });
  }

  private renderRow(row: Row): TemplateResult {
    if (row.kind === 'missing') return html`<li class="warning" data-entity=${row.entity}>${row.message}</li>`;
    return html`<li class="routine ${row.state}" data-entity=${row.entity} data-state=${row.state}>
      <span class="check" aria-hidden="true">${row.pending ? '○' : row.state === 'done' ? '✓' : '–'}</span>
      <span class="main">
        <span class="title">${row.title}</span>
        <span class="meta">
          ${row.due ? html`<span class="due">${row.due}</span>` : nothing}
          <span class="state">${row.label}</span>
          ${row.streak ? html`<span class="streak" title="days done in the last 7">${row.streak}</span>` : nothing}
        </span>
      </span>
      ${
        row.snooze
          ? html`<button class="snooze" ?disabled=${this.pressing === row.snooze} @click=${() => this.press(row.snooze!)}>Snooze</button>`
          : nothing
      }
      ${row.done ? html`<button class="done" ?disabled=${this.pressing === row.done} @click=${() => this.press(row.done!)}>Done</button>` : nothing}
    </li>`;
  }

  override render(): TemplateResult | typeof nothing {
    if (!this.config || !this.hass) return nothing;
    const clock = { now: new Date(), timeZone: this.hass.config.time_zone };
    const rows = routineRows(this.hass.states, this.config, clock);
    const checkin = this.config.checkin ? checkinView(this.hass.states, this.config.checkin, clock) : undefined;
    return html`<ha-card .header=${this.config.title ?? ''}>
      <div class="content">
        ${
          rows.length
            ? html`<ul>
                ${rows.map((r) => this.renderRow(r))}
              </ul>`
            : html`<p class="empty">Nothing else is due today.</p>`
        }
        ${
          checkin
            ? checkin.kind === 'missing'
              ? html`<p class="warning checkin">${checkin.message}</p>`
              : html`<div class="checkin">
                  <span class="label">Latest check-in${checkin.at ? html` · ${checkin.at}` : nothing}</span>
                  <p>${checkin.text}</p>
                  ${checkin.detail ? html`<p class="detail">${checkin.detail}</p>` : nothing}
                </div>`
            : nothing
        }
      </div>
    </ha-card>`;
  }

  static override styles = css`
    .content {
      padding: 12px 16px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 8px 0;
      border-bottom: 1px solid var(--divider-color);
    }
    li:last-child {
      border-bottom: none;
    }
    .check {
      font-size: 20px;
      width: 24px;
      text-align: center;
      color: var(--secondary-text-color);
    }
    .done .check {
      color: var(--success-color, #43a047);
    }
    .nagging .check,
    .missed .check {
      color: var(--error-color, #db4437);
    }
    .main {
      flex: 1;
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .title {
      color: var(--primary-text-color);
      font-weight: 500;
    }
    .meta {
      display: flex;
      gap: 8px;
      color: var(--secondary-text-color);
      font-size: 0.9em;
    }
    .nagging .state {
      color: var(--error-color, #db4437);
    }
    button {
      font: inherit;
      border: none;
      border-radius: var(--ha-card-border-radius, 12px);
      padding: 6px 12px;
      cursor: pointer;
      background: var(--secondary-background-color);
      color: var(--primary-text-color);
    }
    button.done {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
    }
    button[disabled] {
      opacity: 0.5;
      cursor: progress;
    }
    .warning {
      color: var(--warning-color, #ffa600);
      border-bottom: none;
    }
    .empty {
      color: var(--secondary-text-color);
      margin: 0;
    }
    .checkin {
      margin-top: 12px;
      padding-top: 8px;
      border-top: 1px solid var(--divider-color);
      color: var(--primary-text-color);
    }
    .checkin .label {
      color: var(--secondary-text-color);
      font-size: 0.9em;
    }
    .checkin p {
      margin: 4px 0 0;
    }
  `;
}

if (!customElements.get(CARD_ELEMENT)) customElements.define(CARD_ELEMENT, HearthCard);

/** The card picker's list (HA frontend reads `window.customCards`). */
const w = window as unknown as { customCards?: Array<Record<string, unknown>> };
w.customCards = w.customCards ?? [];
if (!w.customCards.some((c) => c.type === CARD_ELEMENT)) {
  w.customCards.push({
    type: CARD_ELEMENT,
    name: 'hearth: today',
    description: "Today's routines as a checklist with Done and Snooze, and the latest check-in.",
    preview: true,
  });
}
