/**
 * The units built from the configuration, in start order (stopped in reverse). A new one joins
 * here: a `unit.ts` exporting a UnitFactory (unit.ts) in src/hub/<concern>/, its pure core
 * beside it; a large part lives in src/<concern>/ (importing nothing from hub/) and
 * src/hub/<concern>/unit.ts mounts it (src/hub/lifecoach/unit.ts, src/hub/dashboard/unit.ts).
 */
import { dashboardUnit } from './dashboard/unit.js';
import { lifecoachUnit } from './lifecoach/unit.js';
import { presenceUnit } from './presence/unit.js';
import { remindersUnit } from './reminders/unit.js';
import type { UnitFactory } from './unit.js';

export const CONFIG_UNITS: readonly UnitFactory[] = [remindersUnit, presenceUnit, lifecoachUnit, dashboardUnit] as UnitFactory[];
