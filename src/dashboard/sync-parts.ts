/**
 * What a dashboard sync needs, in one module: unit.ts imports it at the first sync (a dynamic
 * import), so a hub without `dashboard.sync` never loads the generator, the push, the card's
 * resources or their libraries.
 */
export { generateDashboard } from './generate.js';
export { haCommander } from './ha-commands.js';
export { DashboardPushError } from './push.js';
export { runDashboard } from './run.js';
export { readSnapshot } from './snapshot-io.js';
