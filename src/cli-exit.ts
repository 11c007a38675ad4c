/**
 * Exit codes of the `hearth` CLI, one rule for every subcommand (the project's rule for bad
 * input, README "Commands"):
 * - 0: done;
 * - 2 (EXIT_USAGE): bad input, with a message naming what was wrong — an unknown subcommand,
 *   option or argument, a missing or invalid argument, a configuration or secret problem
 *   (`file: path.to.field: message`), or a request the running hub refuses as wrong (HTTP 4xx:
 *   an unknown routine, a rejected token);
 * - 1 (EXIT_RUNTIME): a runtime failure with good input — HA, MQTT or the hub unreachable, a
 *   5xx answer, a failed `esphome` run, a backup that could not be written.
 */
import type { Command } from 'commander';

export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/**
 * Commander reports usage errors (unknown command or option, missing or excess argument, an
 * option argument its parser refused, a command group run without a subcommand) on stderr and
 * exits 1; this makes every command of `program`, recursively, exit EXIT_USAGE instead. `--help`
 * and `hearth help` still exit 0. Call it after every command is registered: commands made with
 * `new Command()` and added later do not inherit it.
 */
export function usageErrorsExit2(program: Command): void {
  program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));
  for (const command of program.commands) usageErrorsExit2(command);
}

/**
 * The exit code for the hub's answer to a CLI request: a 4xx says the request was wrong (an
 * unknown routine or check-in, a rejected token, a target hearth without the life coach): bad
 * input; anything else is a runtime failure.
 */
export const exitForStatus = (status: number): number => (status >= 400 && status < 500 ? EXIT_USAGE : EXIT_RUNTIME);
