/**
 * A test double of Home Assistant's websocket API behind a fake `ws` WebSocket (injected as
 * `WebSocketImpl` into the HA client): no network, so the unit tests can use fake timers.
 * It speaks the handful of messages hearth's client uses: the auth handshake,
 * supported_features, get_config (with a settable `state`), ping/pong, subscribe_events,
 * subscribe_entities, unsubscribe_events, call_service, and fires events to subscribers.
 *
 * Network conditions per new connection (`fake.connect`): `up` answers, `refuse` fails the
 * connect (ECONNREFUSED), `hang` accepts TCP but never answers the upgrade. An open socket
 * can be made half-open with `fake.hang()`: it stays OPEN and swallows everything, like a
 * peer that was SIGSTOPped.
 */
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';

type Json = Record<string, unknown>;

export class FakeHaSocket extends EventEmitter {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly OPEN = 1;
  readyState = 0;
  /** Everything the client sent on this socket (parsed). */
  readonly received: Json[] = [];
  /** false: half-open, nothing is answered or delivered. */
  answering = true;
  terminated = false;
  authed = false;
  private readonly domListeners = new Map<string, Set<(event: unknown) => void>>();
  /** subscription id → event type (subscribe_events) or `entities`. */
  readonly subscriptions = new Map<number, string>();

  constructor(
    readonly ha: FakeHa,
    readonly url: string,
  ) {
    super();
    ha.sockets.push(this);
    const mode = ha.connect;
    queueMicrotask(() => {
      if (mode === 'refuse') {
        this.readyState = FakeHaSocket.CLOSED;
        this.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:8123'));
        this.fireClose(1006);
        return;
      }
      if (mode === 'hang') {
        this.answering = false;
        return;
      }
      this.readyState = FakeHaSocket.OPEN;
      this.emit('open');
      this.deliver({ type: 'auth_required', ha_version: ha.version });
    });
  }

  // --- the `ws` surface the client uses -------------------------------------------------
  addEventListener(type: string, fn: (event: unknown) => void): void {
    let set = this.domListeners.get(type);
    if (!set) this.domListeners.set(type, (set = new Set()));
    set.add(fn);
  }
  removeEventListener(type: string, fn: (event: unknown) => void): void {
    this.domListeners.get(type)?.delete(fn);
  }
  send(data: string): void {
    if (this.readyState !== FakeHaSocket.OPEN) throw new Error('WebSocket is not open: readyState ' + this.readyState);
    const msg = JSON.parse(data) as Json;
    this.received.push(msg);
    if (!this.answering) return;
    queueMicrotask(() => this.ha.handle(this, msg));
  }
  close(): void {
    if (this.readyState === FakeHaSocket.CLOSED) return;
    this.readyState = FakeHaSocket.CLOSING;
    // A half-open peer never answers the close frame; ws would time out. Closing locally is enough here.
    queueMicrotask(() => this.fireClose(1000));
  }
  terminate(): void {
    this.terminated = true;
    if (this.readyState === FakeHaSocket.CLOSED) return;
    queueMicrotask(() => this.fireClose(1006));
  }

  // --- the fake HA's side ---------------------------------------------------------------
  deliver(message: Json): void {
    if (!this.answering || this.readyState !== FakeHaSocket.OPEN) return;
    const data = JSON.stringify(message);
    this.emit('message', Buffer.from(data), false);
    for (const fn of this.domListeners.get('message') ?? []) fn({ data });
  }
  /** HA closes the connection (restart, crash): a clean TCP close. */
  drop(): void {
    this.fireClose(1006);
  }
  private closedFired = false;
  private fireClose(code: number): void {
    if (this.closedFired) return;
    this.closedFired = true;
    this.readyState = FakeHaSocket.CLOSED;
    this.emit('close', code, Buffer.from(''));
    for (const fn of this.domListeners.get('close') ?? []) fn({ code });
  }

  /** Messages of one type the client sent on this socket. */
  sent(type: string): Json[] {
    return this.received.filter((m) => m.type === type);
  }
}

export interface CompressedEntity {
  s: string;
  a: Record<string, unknown>;
  c: string;
  lc: number;
}

export class FakeHa {
  readonly sockets: FakeHaSocket[] = [];
  /** What new connections meet. */
  connect: 'up' | 'refuse' | 'hang' = 'up';
  /** get_config's `state`. */
  state: 'NOT_RUNNING' | 'STARTING' | 'RUNNING' | 'STOPPING' = 'RUNNING';
  token = 'good-token';
  version = '2026.10.4';
  /** Answer pings (false: the server is alive but its websocket loop is stuck). */
  pong = true;
  readonly entities = new Map<string, CompressedEntity>();
  readonly serviceCalls: Json[] = [];

  /** The `ws` constructor to inject (`WebSocketImpl`). */
  readonly WebSocket: typeof WebSocket;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ha = this;
    this.WebSocket = class extends FakeHaSocket {
      constructor(url: string) {
        super(ha, url);
      }
    } as unknown as typeof WebSocket;
  }

  get current(): FakeHaSocket | undefined {
    return this.sockets.at(-1);
  }
  /** Sockets that completed auth. */
  get authed(): FakeHaSocket[] {
    return this.sockets.filter((s) => s.authed);
  }

  /** Every open socket goes half-open: it stays OPEN for the client and answers nothing. */
  hang(): void {
    for (const s of this.sockets) s.answering = false;
  }

  /** Fires an event to every subscriber of its type (or of all events). */
  fire(eventType: string, data: Json = {}): void {
    for (const s of this.sockets) {
      for (const [id, type] of s.subscriptions) {
        if (type === eventType || type === '*') {
          s.deliver({ id, type: 'event', event: { event_type: eventType, data, origin: 'LOCAL', time_fired: new Date().toISOString() } });
        }
      }
    }
  }

  /** Sets an entity's state and sends the change to `subscribe_entities` subscribers. */
  setEntity(entityId: string, state: string, lastChangedSeconds: number, attributes: Record<string, unknown> = {}): void {
    const had = this.entities.has(entityId);
    const entity = { s: state, a: attributes, c: `ctx-${lastChangedSeconds}`, lc: lastChangedSeconds };
    this.entities.set(entityId, entity);
    for (const s of this.sockets) {
      for (const [id, type] of s.subscriptions) {
        if (type !== 'entities') continue;
        const event = had
          ? { c: { [entityId]: { '+': { s: state, lc: lastChangedSeconds, c: entity.c } } } }
          : { a: { [entityId]: entity } };
        s.deliver({ id, type: 'event', event });
      }
    }
  }

  handle(socket: FakeHaSocket, msg: Json): void {
    const id = msg.id as number;
    const result = (value: unknown = null) => socket.deliver({ id, type: 'result', success: true, result: value });
    switch (msg.type) {
      case 'auth':
        if (msg.access_token === this.token) {
          socket.authed = true;
          socket.deliver({ type: 'auth_ok', ha_version: this.version });
        } else {
          socket.deliver({ type: 'auth_invalid', message: 'Invalid access token or password' });
        }
        return;
      case 'supported_features':
        return result();
      case 'get_config':
        return result({ state: this.state, version: this.version, time_zone: 'Europe/London' });
      case 'ping':
        if (this.pong) socket.deliver({ id, type: 'pong' });
        return;
      case 'subscribe_events':
        socket.subscriptions.set(id, (msg.event_type as string | undefined) ?? '*');
        return result();
      case 'subscribe_entities': {
        socket.subscriptions.set(id, 'entities');
        result();
        const wanted = (msg.entity_ids as string[] | undefined) ?? [...this.entities.keys()];
        const a = Object.fromEntries(wanted.filter((e) => this.entities.has(e)).map((e) => [e, this.entities.get(e)!]));
        socket.deliver({ id, type: 'event', event: { a } });
        return;
      }
      case 'unsubscribe_events':
        socket.subscriptions.delete(msg.subscription as number);
        return result();
      case 'call_service':
        this.serviceCalls.push(msg);
        return result({ context: { id: 'ctx' } });
      default:
        socket.deliver({
          id,
          type: 'result',
          success: false,
          error: { code: 'unknown_command', message: `Unknown command ${String(msg.type)}` },
        });
    }
  }
}
