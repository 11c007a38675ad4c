/**
 * The one logger factory: pino, JSON lines on stderr (journald keeps them), with every
 * field that could carry a secret redacted wherever it appears.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Field names that may hold secrets, at the top level and one or two levels down. */
const SECRET_KEYS = ['token', 'access_token', 'password', 'authorization', 'Authorization', 'secret', 'api_key'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k.toLowerCase()}`]);

export interface LoggerDeps {
  level?: string;
  /** Where to write (default stderr); tests pass a stream to assert on. */
  destination?: NodeJS.WritableStream;
  name?: string;
}

export function createLogger(deps: LoggerDeps = {}): Logger {
  const options: LoggerOptions = {
    name: deps.name ?? 'hearth',
    level: deps.level ?? process.env.HEARTH_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
  };
  return pino(options, (deps.destination ?? pino.destination({ fd: 2, sync: true })) as pino.DestinationStream);
}

/** A logger that drops everything (unit tests). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
