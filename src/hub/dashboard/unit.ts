/**
 * The dashboard (src/dashboard/) mounted as the hub's `dashboard` unit: a configuration-built
 * unit (src/hub/units.ts) made again on every reload or entity-id change, so each new unit
 * syncs once more (a no-op when HA already holds the same config; refused, and logged, when the
 * person edited it in HA). Nothing is carried over from the previous unit: the record file
 * (`<state_dir>/dashboard.json`) is the dashboard's memory. What a sync does is in
 * src/dashboard/unit.ts.
 */
import { createDashboardUnit, dashboardRecordFile, type DashboardUnit } from '../../dashboard/unit.js';
import type { UnitFactory } from '../unit.js';

export const dashboardUnit: UnitFactory<DashboardUnit> = {
  name: 'dashboard',
  create: (deps, previous) =>
    createDashboardUnit({
      household: deps.household,
      ha: deps.ha,
      logger: deps.logger,
      recordFile: dashboardRecordFile(deps.household.config.state_dir),
      // A predecessor still pushing writes the record first: reading it before would look like an edit.
      ...(previous ? { after: previous.done } : {}),
    }),
};
