#!/usr/bin/env node
import { Command } from 'commander';
import { registerEsphomeCommands } from './esphome/commands.js';
import { registerHubCommands } from './hub/hub-commands.js';

const program = new Command()
  .name('hearth')
  .description('The home hub: ESPHome configs from device specs, reminder buttons, room presence, life coach.')
  .showHelpAfterError();

registerEsphomeCommands(program);
registerHubCommands(program);

await program.parseAsync(process.argv);
