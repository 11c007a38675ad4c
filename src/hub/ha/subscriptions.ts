/**
 * hearth's subscriptions on the HA connection. One made while disconnected is sent once a
 * connection is ready; from then on the library replays it on every reconnect. State
 * subscriptions get a fresh snapshot after each reconnect, diffed against what we held.
 */
import type { Connection } from 'home-assistant-js-websocket';
import type { Logger } from '../../log.js';
import { applyEntitiesMessage, isUnchanged, type EntitiesMessage, type EntityState, type StateChange } from './state-changes.js';

export interface SubscriptionsDeps {
  log: Logger;
  /** The connection now (undefined: none yet). */
  connection: () => Connection | undefined;
  /** Counted for each state change handed to a callback. */
  onStateChange: () => void;
}

export interface Subscriptions {
  /** State changes of these entities (snapshot on subscribe and after each reconnect, then changes). */
  subscribeStates(entityIds: string[], cb: (change: StateChange) => void): () => void;
  subscribeEvents<T>(eventType: string, cb: (event: T) => void): () => void;
  /** Sends the subscriptions not sent yet (a connection is ready). */
  openPending(c: Connection): void;
  /** Closes every subscription (the client stops). */
  closeAll(): void;
}

interface PendingSub {
  /** Sent on a live socket (from then on the library replays it on every reconnect). */
  opened: boolean;
  open(c: Connection): void;
  close(): void;
}

export function createSubscriptions(deps: SubscriptionsDeps): Subscriptions {
  const { log } = deps;
  /** Things to (re)subscribe once a connection exists. */
  const pendingSubs = new Set<PendingSub>();

  /** A subscription made while disconnected is not replayed by the library: send it on `ready`. */
  const openPending = (c: Connection): void => {
    if (!c.connected) return;
    for (const s of pendingSubs) {
      if (s.opened) continue;
      s.opened = true;
      s.open(c);
    }
  };

  /** Adds a subscription (sent now when connected); `subscribe` sends it on a connection. */
  const add = (subscribe: (c: Connection) => Promise<() => Promise<void>>, failed: (e: unknown) => void): (() => void) => {
    let unsub: (() => Promise<void>) | undefined;
    let closed = false;
    const sub: PendingSub = {
      opened: false,
      open(c) {
        subscribe(c).then((u) => {
          if (closed) void u().catch(() => {});
          else unsub = u;
        }, failed);
      },
      close() {
        closed = true;
        void unsub?.().catch(() => {});
      },
    };
    pendingSubs.add(sub);
    const conn = deps.connection();
    if (conn) openPending(conn);
    return () => {
      pendingSubs.delete(sub);
      sub.close();
    };
  };

  return {
    subscribeStates(entityIds, cb) {
      const states = new Map<string, EntityState>();
      const onMessage = (message: EntitiesMessage): void => {
        for (const change of applyEntitiesMessage(states, message)) {
          if (change.snapshot && isUnchanged(change)) continue;
          deps.onStateChange();
          try {
            cb(change);
          } catch (e) {
            log.error({ err: (e as Error).message, entityId: change.entityId }, 'state callback failed');
          }
        }
      };
      return add(
        (c) => c.subscribeMessage<EntitiesMessage>(onMessage, { type: 'subscribe_entities', entity_ids: entityIds }),
        (e: unknown) => log.warn({ err: JSON.stringify(e) }, 'subscribe_entities failed'),
      );
    },
    subscribeEvents<T>(eventType: string, cb: (event: T) => void) {
      return add(
        (c) =>
          c.subscribeEvents<T>((ev) => {
            try {
              cb(ev);
            } catch (e) {
              log.error({ err: (e as Error).message, eventType }, 'event callback failed');
            }
          }, eventType),
        (e: unknown) => log.warn({ err: JSON.stringify(e), eventType }, 'subscribe_events failed'),
      );
    },
    openPending,
    closeAll() {
      for (const s of pendingSubs) s.close();
    },
  };
}
