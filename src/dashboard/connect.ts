/**
 * One websocket connection to HA for a command-line run (`hearth dashboard`): one attempt, no
 * retry (the hub's connection in src/hub/ha/ retries forever; a command should fail fast).
 * Rejects with `invalid_auth` when HA refuses the token.
 */
import WebSocket from 'ws';
import { createConnection, createLongLivedTokenAuth, ERR_INVALID_AUTH, type Connection } from 'home-assistant-js-websocket';

export async function connectHomeAssistant(url: string, token: string): Promise<Connection> {
  // Node 20 has no global WebSocket; home-assistant-js-websocket's default socket needs one.
  const g = globalThis as { WebSocket?: unknown };
  if (g.WebSocket === undefined) g.WebSocket = WebSocket;
  try {
    return await createConnection({ auth: createLongLivedTokenAuth(url.replace(/\/+$/, ''), token), setupRetry: 0 });
  } catch (err) {
    if (err === ERR_INVALID_AUTH) throw new Error('invalid_auth', { cause: err });
    throw new Error(typeof err === 'number' ? `connection failed (home-assistant-js-websocket error ${err})` : String(err), { cause: err });
  }
}
