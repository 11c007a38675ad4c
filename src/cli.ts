#!/usr/bin/env node
import { Command } from 'commander';
import { registerEsphomeCommands } from './esphome/commands.js';
import { dashboardCommand } from './dashboard/command.js';
import { apiTarget, registerHubCommands, withConfig } from './hub/hub-commands.js';
import { registerCheckinCommands } from './lifecoach/cli.js';
import { usageErrorsExit2 } from './cli-exit.js';

const program = new Command()
  .name('hearth')
  .description('The home hub: ESPHome configs from device specs, reminder buttons, room presence, life coach.')
  .showHelpAfterError();

registerEsphomeCommands(program);
registerHubCommands(program);
registerCheckinCommands(
  program,
  (opts) => apiTarget(opts as unknown as Parameters<typeof apiTarget>[0]),
  (c) => withConfig(c).option('--url <url>', 'HTTP API base URL (default from hearth.yaml http:)'),
);
program.addCommand(dashboardCommand());
// Bad input exits 2 everywhere, runtime failures 1 (src/cli-exit.ts).
usageErrorsExit2(program);

await program.parseAsync(process.argv);
