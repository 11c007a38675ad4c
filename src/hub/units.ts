/**
 * The units built from the configuration, in start order (stopped in reverse). A new one joins
 * here: a `unit.ts` exporting a UnitFactory (unit.ts) in its concern's folder — src/hub/<concern>/
 * for the hub's own, src/<concern>/ for a large part (src/dashboard/unit.ts) — its pure core beside it.
 */
import { dashboardUnit } from '../dashboard/unit.js';
import { lifecoachUnit } from './lifecoach/unit.js';
import { presenceUnit } from './presence/unit.js';
import { remindersUnit } from './reminders/unit.js';
import type { UnitFactory } from './unit.js';

export const CONFIG_UNITS: readonly UnitFactory[] = [remindersUnit, presenceUnit, lifecoachUnit, dashboardUnit] as UnitFactory[];
