/**
 * Runs hub units (unit.ts) the way a controller runs extensions: started in order, stopped in
 * reverse, each call in its own try/catch (a failure is logged and, for a start, remembered for
 * /api/status; the other units go on). A unit keeps its place when it is replaced.
 */
import type { Logger } from '../log.js';
import type { HubUnit, Link } from './unit.js';

export interface UnitRunner {
  /**
   * Makes and starts a unit in its slot (appended on first use). A predecessor is stopped first,
   * so never two of a kind run, and handed to `make` to carry its state over. Nothing starts
   * once `stopAll` was called.
   */
  run(name: string, make: (previous: HubUnit | undefined) => HubUnit): Promise<void>;
  /** The running unit of that name. */
  get<U extends HubUnit>(name: string): U | undefined;
  /** Each unit's onReconnect, in start order. */
  reconnect(link: Link): void;
  /** Stops every unit not stopped yet, in reverse start order; later calls stop what started since. */
  stopAll(): Promise<void>;
  /** Units whose start failed, by name (their error); a later successful start clears the entry. */
  readonly failures: Record<string, string>;
}

export function createUnitRunner(log: Logger): UnitRunner {
  const slots: Array<{ name: string; unit: HubUnit | undefined }> = [];
  const failures: Record<string, string> = {};
  const stoppedUnits = new WeakSet<HubUnit>();
  let stopping = false;

  const guard = async (name: string, what: 'start' | 'stop', fn: () => unknown): Promise<void> => {
    try {
      await fn();
      if (what === 'start') delete failures[name];
    } catch (e) {
      if (what === 'start') failures[name] = (e as Error).message;
      log.error({ unit: name, err: (e as Error).message }, `${name} failed to ${what}`);
    }
  };
  const stop = async (name: string, unit: HubUnit): Promise<void> => {
    if (stoppedUnits.has(unit)) return;
    stoppedUnits.add(unit);
    await guard(name, 'stop', () => unit.stop());
  };

  return {
    async run(name, make) {
      let slot = slots.find((s) => s.name === name);
      if (!slot) slots.push((slot = { name, unit: undefined }));
      const previous = slot.unit;
      slot.unit = undefined;
      if (previous) await stop(name, previous);
      if (stopping) return;
      const target = slot;
      await guard(name, 'start', () => {
        const unit = make(previous);
        target.unit = unit;
        return unit.start();
      });
    },
    get: <U extends HubUnit>(name: string) => slots.find((s) => s.name === name)?.unit as U | undefined,
    reconnect(link) {
      for (const { name, unit } of slots) {
        try {
          unit?.onReconnect?.(link);
        } catch (e) {
          log.error({ unit: name, link, err: (e as Error).message }, `${name} failed to publish again`);
        }
      }
    },
    async stopAll() {
      stopping = true;
      for (const { name, unit } of [...slots].reverse()) if (unit) await stop(name, unit);
    },
    failures,
  };
}
