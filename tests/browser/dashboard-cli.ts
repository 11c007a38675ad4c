/**
 * `hearth dashboard` exactly as src/dashboard/command.ts defines it, runnable before src/cli.ts
 * hooks it in (`node --import tsx tests/browser/dashboard-cli.ts dashboard --push …`).
 */
import { Command } from 'commander';
import { dashboardCommand } from '../../src/dashboard/command.js';

await new Command('hearth').addCommand(dashboardCommand()).parseAsync(process.argv);
