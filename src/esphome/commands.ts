import type { Command } from 'commander';

/** Placeholder until the codegen lands: `hearth esphome …`. */
export function registerEsphomeCommands(program: Command): void {
  program.command('esphome').description('ESPHome configs from devices/*.yaml');
}
