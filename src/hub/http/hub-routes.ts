/**
 * What the HTTP API serves from the hub: `/api/status` and the routine endpoints, over the
 * units the hub holds at the time of the request (a reload swaps them).
 */
import type { Clock } from '../clock.js';
import type { HubView } from '../hub-view.js';
import { NotFoundError, type Health, type HttpApiDeps } from './server.js';

export interface HubRoutesDeps {
  units: () => HubView;
  health: () => Health;
  /** Units that failed to start, by name (their error). */
  failures: Record<string, string>;
  haUrl: () => string | undefined;
  version: string;
  clock: Clock;
  startedAt: number;
}

export function hubRoutes(deps: HubRoutesDeps): Pick<HttpApiDeps, 'status' | 'routines'> {
  const reminders = () => deps.units().reminders;
  return {
    status: () => {
      const { ha, presence, lifecoach } = deps.units();
      return {
        version: deps.version,
        uptime_seconds: Math.round((deps.clock.now() - deps.startedAt) / 1000),
        health: deps.health(),
        failures: deps.failures,
        homeassistant: { url: deps.haUrl(), version: ha?.haVersion ?? null },
        routines: reminders()?.list() ?? [],
        presence: presence?.list() ?? [],
        lifecoach: lifecoach ? { role: lifecoach.role, ...(lifecoach.coach ? lifecoach.coach.health() : {}) } : null,
      };
    },
    routines: {
      list: () => reminders()?.list() ?? [],
      due: (id, source) => {
        const view = reminders()?.due(id, source);
        if (!view) throw new NotFoundError(`unknown routine "${id}" (known: ${(reminders()?.list() ?? []).map((r) => r.id).join(', ')})`);
        return view;
      },
      command: (id, command, source) => {
        const view = reminders()?.action(id, command as 'done' | 'snooze' | 'skip', source ?? 'api');
        if (!view) throw new NotFoundError(`unknown routine "${id}"`);
        return view;
      },
    },
  };
}
