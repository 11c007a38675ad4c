/**
 * The units built from the configuration, in start order (stopped in reverse). A new one (the
 * life coach, the dashboard) joins here: a folder of its own under src/hub/ with a `unit.ts`
 * exporting a UnitFactory (unit.ts), its pure core beside it.
 */
import { dashboardUnit } from '../dashboard/unit.js';
import { lifecoachUnit } from './lifecoach/unit.js';
import { presenceUnit } from './presence/unit.js';
import { remindersUnit } from './reminders/unit.js';
import type { UnitFactory } from './unit.js';

export const CONFIG_UNITS: readonly UnitFactory[] = [remindersUnit, presenceUnit, lifecoachUnit, dashboardUnit] as UnitFactory[];
