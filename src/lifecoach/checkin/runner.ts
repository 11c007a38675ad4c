/**
 * One check-in, end to end: plan (skip / short / full) → facts → stills → context → prompt →
 * model → validation and fact check → fallback when anything fails → delivery → one record.
 * All I/O comes in as ports (cameras, model, store, notifier, facts, clock), so the runner is
 * mounted as the `lifecoach` unit's worker and tested here with real stills and the Ollama
 * stand-in. Nothing is dropped silently: every path ends in a delivered (or explicitly
 * skipped) check-in and a stored record saying why.
 */
import { randomUUID } from 'node:crypto';
import type { CaptureWhen, CheckinSettings } from '../../config/lifecoach.js';
import type { ChatInput, ChatResult, ModelCheck } from '../ollama/client.js';
import { OllamaFailure } from '../ollama/failure.js';
import type { CaptureRecord, CaptureRound, Still } from '../stills/camera-set.js';
import type { StillsKeeper } from '../stills/keep.js';
import type { CheckinRecord, CheckinStore, CheckinTimings } from '../store.js';
import { checkinAnswer } from './answer.js';
import { buildContext, type CheckinContext } from './context.js';
import { fallbackCheckin } from './fallback.js';
import { factCheck } from './fact-check.js';
import type { PresenceFacts, RoutineFacts, TodoFacts } from './facts.js';
import { messageFromAnswer, type CheckinMessage } from './message.js';
import { buildPrompt } from './prompt.js';
import { mayCapture, planCheckin } from './rules.js';

/** What the hub (or HA, for a coach on another host) tells the coach. */
export interface CheckinSources {
  routines(now: number): Promise<RoutineFacts[]> | RoutineFacts[];
  /** Open items of the person's HA to-do lists; a failure leaves them out (noted in the record). */
  todos(): Promise<TodoFacts[]>;
  presence(): Promise<PresenceFacts> | PresenceFacts;
  /**
   * The sources for one check-in, whose reads may share one answer (HA reads states only all at
   * once: ha/sources.ts). Without it, the check-in reads through these methods.
   */
  session?(): Omit<CheckinSources, 'session'>;
}

export interface CameraPort {
  readonly names: readonly string[];
  captureAll(why: string, options?: { only?: readonly string[]; signal?: AbortSignal }): Promise<CaptureRound>;
}

export interface ModelPort {
  readonly model: string;
  checkModel(signal?: AbortSignal): Promise<ModelCheck>;
  chat<T>(input: ChatInput<T>): Promise<ChatResult<T>>;
}

/** A notification for the person's phone; a newer one with the same tag replaces the older. */
export interface CheckinNotification {
  person: string;
  tag: string;
  title: string;
  message: string;
  /** Routines to offer done / snooze for (the hub maps them to its action ids). */
  actionable: string[];
  source: CheckinMessage['source'];
  /** Replaces an earlier notification of this check-in (the data-first one) without a sound. */
  replaces: boolean;
}

export interface Notifier {
  deliver(notification: CheckinNotification): Promise<void>;
}

export interface RunnerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface CheckinRunnerDeps {
  person: { id: string; name: string };
  timezone: string;
  settings: Pick<CheckinSettings, 'recent' | 'when_away' | 'in_quiet_hours' | 'data_first'>;
  /** Minutes after local midnight (checkins.quiet_hours, else the household's). */
  quietHours?: { from: number; to: number } | undefined;
  captureWhen: CaptureWhen;
  clock: { now(): number };
  sources: CheckinSources;
  cameras: CameraPort;
  /** The cameras switch (off: nothing is captured, by anyone). */
  camerasOn(): boolean;
  model: ModelPort;
  /** num_ctx, num_predict, keep_alive… as sent: stored with the record. */
  modelOptions: Record<string, unknown>;
  store: CheckinStore;
  notifier: Notifier;
  /** Set when `keep_stills` is on. */
  keeper?: StillsKeeper;
  log?: RunnerLog;
  newId?: () => string;
}

export type CheckinTrigger = 'schedule' | 'manual' | 'button' | 'api' | 'cli';

const MANUAL: ReadonlySet<string> = new Set(['manual', 'button', 'api', 'cli']);

export class CheckinRunner {
  private current: Promise<CheckinRecord> | undefined;
  private controller: AbortController | undefined;

  constructor(private readonly deps: CheckinRunnerDeps) {}

  /** Runs a check-in; a call while one is running joins it. Never rejects for model or camera faults. */
  run(trigger: CheckinTrigger): Promise<CheckinRecord> {
    if (this.current) return this.current;
    const controller = new AbortController();
    this.controller = controller;
    this.current = this.execute(trigger, controller.signal).finally(() => {
      this.current = undefined;
      this.controller = undefined;
    });
    return this.current;
  }

  /** Whether a check-in is running now. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Aborts a running check-in (its capture and model call) and waits for it to settle. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.current?.catch(() => {});
  }

  private async execute(trigger: CheckinTrigger, signal: AbortSignal): Promise<CheckinRecord> {
    const d = this.deps;
    const id = (d.newId ?? randomUUID)();
    const startedAt = d.clock.now();
    const t0 = performance.now();
    const timings: CheckinTimings = { total_ms: 0 };
    const captures: CaptureRecord[] = [];
    const record: CheckinRecord = {
      id,
      person: d.person.id,
      trigger,
      started_at: startedAt,
      finished_at: startedAt,
      outcome: 'skipped',
      reason: null,
      context: null,
      prompt_hash: null,
      model: null,
      model_digest: null,
      options: null,
      timings,
      message: null,
      dropped: [],
      delivered: false,
    };
    const finish = (): CheckinRecord => {
      timings.total_ms = Math.round(performance.now() - t0);
      record.finished_at = d.clock.now();
      d.store.save(record, captures);
      d.log?.info({ checkin: id, trigger, outcome: record.outcome, reason: record.reason, timings }, 'check-in');
      return record;
    };

    const notes: string[] = [];
    const sources = d.sources.session?.() ?? d.sources;
    // A fact source that fails leaves its facts out (noted in the record); the check-in goes on.
    let presence: PresenceFacts;
    try {
      presence = await sources.presence();
    } catch (error) {
      presence = { home: true };
      notes.push(`presence_unavailable: ${(error as Error).message}`);
    }
    const plan = planCheckin({
      presence,
      at: startedAt,
      timezone: d.timezone,
      quietHours: d.quietHours,
      whenAway: d.settings.when_away,
      inQuietHours: d.settings.in_quiet_hours,
      manual: MANUAL.has(trigger),
    });
    if (plan.run === 'skip') {
      record.reason = plan.reason ?? null;
      return finish();
    }

    const contextStarted = performance.now();
    let routines: RoutineFacts[] = [];
    try {
      routines = await sources.routines(startedAt);
    } catch (error) {
      notes.push(`routines_unavailable: ${(error as Error).message}`);
    }
    let todos: TodoFacts[] = [];
    try {
      todos = await sources.todos();
    } catch (error) {
      notes.push(`todos_unavailable: ${(error as Error).message}`);
    }
    const recent = d.store.recent(d.person.id, d.settings.recent);
    const contextOf = (stills: CheckinContext['stills']): CheckinContext =>
      buildContext(
        { now: startedAt, timezone: d.timezone, person: d.person, routines, todos, presence, recent, stills },
        { recent: d.settings.recent },
      );
    timings.context_ms = Math.round(performance.now() - contextStarted);

    if (plan.run === 'short') {
      const context = contextOf([]);
      record.context = context;
      record.reason = [`short:${plan.reason}`, ...notes].join('; ');
      return this.conclude(record, fallbackCheckin(context, `short:${plan.reason}`, { short: true }), false, finish);
    }

    // Stills: only with the switch on and capture_when met; no ffmpeg is started otherwise.
    const decision = mayCapture({ camerasOn: d.camerasOn(), cameraCount: d.cameras.names.length, when: d.captureWhen, presence });
    let usable: Still[] = [];
    let stillNotes: CheckinContext['stills'] = [];
    let noStills: string | undefined;
    if (decision.allowed) {
      const captureStarted = performance.now();
      const round = await d.cameras.captureAll(`checkin:${id}`, { signal });
      timings.capture_ms = Math.round(performance.now() - captureStarted);
      captures.push(...round.records);
      usable = round.stills.filter((s) => s.quality === 'ok');
      stillNotes = d.cameras.names.map((camera) => {
        const still = round.stills.find((s) => s.camera === camera);
        if (still?.quality === 'ok') return { camera, seen: true };
        const failed = round.failures.find((f) => f.camera === camera);
        return { camera, seen: false, note: still ? still.quality : (failed?.reason ?? 'not captured') };
      });
      if (usable.length === 0) noStills = `no_stills: ${stillNotes.map((s) => `${s.camera} ${s.note}`).join(', ')}`;
      if (d.keeper) await this.keep(usable);
    } else {
      noStills = `no_stills: ${decision.reason}`;
    }

    const context = contextOf(stillNotes);
    record.context = context;
    const prompt = buildPrompt(context);
    record.prompt_hash = prompt.hash;
    record.model = d.model.model;
    record.options = d.modelOptions;

    let dataFirstSent = false;
    if (d.settings.data_first && !signal.aborted) {
      dataFirstSent = await this.deliver(fallbackCheckin(context, 'data_first'), false);
    }

    const fallback = (reason: string): Promise<CheckinRecord> => {
      record.reason = [reason, ...notes].join('; ');
      return this.conclude(record, fallbackCheckin(context, reason), dataFirstSent, finish);
    };
    if (noStills) return fallback(noStills);

    const modelStarted = performance.now();
    const check = await d.model.checkModel(signal);
    if (check.digest) record.model_digest = check.digest;
    if (check.status !== 'ok') {
      d.log?.warn({ checkin: id, model: check.model, status: check.status, detail: check.detail }, 'model not usable');
      timings.model_ms = Math.round(performance.now() - modelStarted);
      return fallback(`model_${check.status}${check.detail ? `: ${check.detail}` : ''}`);
    }
    try {
      const result = await d.model.chat({
        system: prompt.system,
        prompt: prompt.prompt,
        images: usable.map((s) => s.jpeg),
        schema: checkinAnswer,
        signal,
      });
      timings.model_ms = Math.round(performance.now() - modelStarted);
      timings.first_token_ms = result.timings.firstTokenMs;
      if (result.timings.loadMs !== undefined) timings.load_ms = result.timings.loadMs;
      const checked = factCheck(result.answer, context);
      record.dropped = [...checked.dropped, ...checked.contradicted];
      if (record.dropped.length) d.log?.warn({ checkin: id, dropped: record.dropped }, 'model named routines that are not in the facts');
      record.outcome = 'model';
      if (notes.length) record.reason = notes.join('; ');
      return this.conclude(record, messageFromAnswer(checked.answer, context), dataFirstSent, finish, true);
    } catch (error) {
      timings.model_ms = Math.round(performance.now() - modelStarted);
      const failure = error instanceof OllamaFailure ? error : new OllamaFailure('server_error', String(error));
      d.log?.warn({ checkin: id, kind: failure.kind, status: failure.status, error: failure.message }, 'model call failed');
      return fallback(`ollama_${failure.kind}: ${failure.message}`);
    }
  }

  /** Delivers (unless the data-first message already says the same) and writes the record. */
  private async conclude(
    record: CheckinRecord,
    message: CheckinMessage,
    dataFirstSent: boolean,
    finish: () => CheckinRecord,
    fromModel = false,
  ): Promise<CheckinRecord> {
    if (!fromModel) {
      record.outcome = 'data';
      record.reason ??= message.reason ?? null;
    }
    record.message = message;
    // A data check-in after a data-first one: the person has it already.
    record.delivered = !fromModel && dataFirstSent ? true : await this.deliver(message, dataFirstSent);
    return finish();
  }

  private async deliver(message: CheckinMessage, replaces: boolean): Promise<boolean> {
    const d = this.deps;
    try {
      await d.notifier.deliver({
        person: d.person.id,
        tag: `hearth-checkin-${d.person.id}`,
        title: message.summary,
        message: message.message,
        actionable: message.actionable,
        source: message.source,
        replaces,
      });
      return true;
    } catch (error) {
      d.log?.warn({ error: (error as Error).message }, 'check-in notification failed');
      return false;
    }
  }

  private async keep(stills: readonly Still[]): Promise<void> {
    for (const still of stills) {
      try {
        await this.deps.keeper!.save(still);
      } catch (error) {
        this.deps.log?.warn({ camera: still.camera, error: (error as Error).message }, 'could not keep still');
      }
    }
  }
}
