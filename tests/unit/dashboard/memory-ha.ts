/**
 * An in-memory HA answering the websocket commands a dashboard sync sends (names and shapes as
 * src/dashboard/ha-commands.ts documents them), from one snapshot; it keeps the dashboards
 * pushed to it. The browser test (tests/integration/dashboard.test.ts) talks to the real HA.
 */
import type { LovelaceConfig } from '../../../src/dashboard/cards.js';
import type { HaSnapshot } from '../../../src/dashboard/snapshot.js';

/** The commands' answers from one snapshot, and the dashboards HA holds. */
export function memoryHa(snapshot: HaSnapshot) {
  const dashboards = new Map<string, LovelaceConfig | undefined>();
  const saves: string[] = [];
  return {
    dashboards,
    saves,
    whenRunning: () => Promise.resolve(),
    sendMessage<T>(m: { type: string; [k: string]: unknown }): Promise<T> {
      const answer = ((): unknown => {
        switch (m.type) {
          case 'auth/current_user':
            return { id: 'u1', name: 'hearth', is_admin: true, is_owner: false };
          case 'config/entity_registry/list':
            return snapshot.entities;
          case 'config/device_registry/list':
            return snapshot.devices;
          case 'get_states':
            return snapshot.states.map((entity_id) => ({ entity_id, state: 'on', attributes: {} }));
          case 'get_config':
            return { components: snapshot.components };
          case 'lovelace/info':
            return { resource_mode: 'storage' };
          case 'lovelace/resources':
            return [];
          case 'lovelace/dashboards/list':
            return [...dashboards.keys()].map((url_path) => ({ id: url_path, url_path, title: 'Home', mode: 'storage' }));
          case 'lovelace/dashboards/create':
            dashboards.set(m.url_path as string, undefined);
            return { id: m.url_path, url_path: m.url_path, title: m.title, mode: 'storage' };
          case 'lovelace/config': {
            const config = dashboards.get(m.url_path as string);
            if (!config) throw Object.assign(new Error('No config found.'), { code: 'config_not_found' });
            return config;
          }
          case 'lovelace/config/save':
            dashboards.set(m.url_path as string, m.config as LovelaceConfig);
            saves.push(m.url_path as string);
            return null;
          default:
            throw new Error(`unexpected command ${m.type}`);
        }
      })();
      return Promise.resolve(answer as T);
    },
  };
}

export type MemoryHa = ReturnType<typeof memoryHa>;
