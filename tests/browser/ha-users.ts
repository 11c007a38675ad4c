/**
 * HA users for dashboard tests: a non-administrator created through HA's own websocket API
 * (`config/auth/create` in the `system-users` group, then its username/password on the
 * homeassistant auth provider), and an access token for a user obtained through HA's
 * auth-code flow over REST (`/auth/login_flow` → code → `/auth/token`).
 */
import type { Connection } from 'home-assistant-js-websocket';

export async function createUser(conn: Connection, name: string, username: string, password: string, admin = false): Promise<string> {
  const { user } = await conn.sendMessagePromise<{ user: { id: string } }>({
    type: 'config/auth/create',
    name,
    group_ids: [admin ? 'system-admin' : 'system-users'],
  });
  await conn.sendMessagePromise({ type: 'config/auth_provider/homeassistant/create', user_id: user.id, username, password });
  return user.id;
}

/** An access token for `username` through HA's login flow (the same flow the login page drives). */
export async function loginToken(url: string, username: string, password: string): Promise<string> {
  const clientId = `${url}/`;
  const post = async <T>(path: string, body: unknown, form = false): Promise<T> => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const flow = await post<{ flow_id: string }>('/auth/login_flow', {
    client_id: clientId,
    handler: ['homeassistant', null],
    redirect_uri: `${clientId}?auth_callback=1`,
  });
  const done = await post<{ type: string; result?: string; errors?: unknown }>(`/auth/login_flow/${flow.flow_id}`, {
    client_id: clientId,
    username,
    password,
  });
  if (done.type !== 'create_entry' || !done.result) throw new Error(`login flow for ${username} did not finish: ${JSON.stringify(done)}`);
  const tokens = await post<{ access_token: string }>(
    '/auth/token',
    { grant_type: 'authorization_code', code: done.result, client_id: clientId },
    true,
  );
  return tokens.access_token;
}
