/**
 * `hearth checkin now` and `hearth checkin list`: talk to the running hearth's HTTP API
 * (POST /api/checkin?wait=1, GET /api/checkins). `registerCheckinCommands` adds them to the
 * CLI; where the API is and its token come from the caller (the hub's commands resolve them
 * from hearth.yaml and http.token_file, as `hearth routine due` does). Exit codes as every
 * subcommand's (src/cli-exit.ts): 0 done, 2 bad input (`--limit`, a 4xx answer: a rejected token,
 * a hearth without the coach), 1 the hub could not be reached or failed (5xx).
 */
import type { Command } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, exitForStatus } from '../cli-exit.js';
import type { CheckinRecord } from './store.js';

export interface ApiTarget {
  base: string;
  token: string;
}

/** A failed `hearth checkin` with its exit code (src/cli-exit.ts). */
export class CheckinCliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function call(target: ApiTarget, path: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${target.base.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${target.token}`, 'x-hearth-client': 'cli' },
    });
  } catch (error) {
    throw new CheckinCliError(
      `cannot reach hearth at ${target.base} (is \`hearth run\` running?): ${(error as Error).message}`,
      EXIT_RUNTIME,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new CheckinCliError(`${response.status}: ${body.error ?? response.statusText}`, exitForStatus(response.status));
  return body;
}

export const checkinNow = (target: ApiTarget): Promise<CheckinRecord> =>
  call(target, '/api/checkin?wait=1', { method: 'POST' }) as Promise<CheckinRecord>;

export const listCheckins = (target: ApiTarget, limit: number): Promise<CheckinRecord[]> =>
  call(target, `/api/checkins?limit=${limit}`) as Promise<CheckinRecord[]>;

/** One line per check-in: when, outcome, reason (if any), summary. Pure. */
export function formatCheckin(r: CheckinRecord): string {
  const when = new Date(r.started_at).toISOString().replace('T', ' ').slice(0, 16);
  const why = r.reason ? ` (${r.reason.length > 60 ? `${r.reason.slice(0, 59)}…` : r.reason})` : '';
  const summary = r.message?.summary ?? '—';
  return `${when}  ${r.trigger.padEnd(8)}  ${r.outcome.padEnd(7)}  ${summary}${why}`;
}

export function registerCheckinCommands(
  program: Command,
  resolve: (opts: Record<string, unknown>) => Promise<ApiTarget>,
  configure: (c: Command) => Command = (c) => c,
): void {
  const checkin = program.command('checkin').description("the life coach's check-ins (through the running hearth's HTTP API)");
  const fail = (error: unknown): never => {
    process.stderr.write(`hearth checkin: ${(error as Error).message}\n`);
    process.exit(error instanceof CheckinCliError ? error.exitCode : EXIT_RUNTIME);
  };
  configure(checkin.command('now'))
    .description('run a check-in now and print it')
    .action(async (opts: Record<string, unknown>) => {
      try {
        const record = await checkinNow(await resolve(opts));
        process.stdout.write(`${formatCheckin(record)}\n${record.message?.message ?? ''}\n`);
      } catch (error) {
        fail(error);
      }
    });
  configure(checkin.command('list'))
    .description('the last check-ins, newest first')
    .option('--limit <n>', 'how many', '10')
    .action(async (opts: Record<string, unknown>) => {
      try {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500)
          throw new CheckinCliError(`--limit: "${String(opts.limit)}" is not a whole number from 1 to 500`, EXIT_USAGE);
        const records = await listCheckins(await resolve(opts), limit);
        process.stdout.write(records.map((r) => `${formatCheckin(r)}\n`).join('') || 'no check-ins yet\n');
      } catch (error) {
        fail(error);
      }
    });
}
