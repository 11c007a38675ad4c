/**
 * Every configuration problem is reported as `file: path.to.field: message`,
 * all of them at once (ESPHome's way), so a person fixes a whole batch per run.
 */
export type Severity = 'error' | 'warning';

export interface ConfigIssue {
  file: string;
  /** Dotted path into the document, e.g. `tracks[1]` or `button.pin`; empty for the file itself. */
  path: string;
  message: string;
  severity: Severity;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path ? `${issue.file}: ${issue.path}` : issue.file;
  const tag = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${tag}${issue.message}`;
}

/** Turns a zod issue path (`['tracks', 1, 'irk']`) into `tracks[1].irk`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.filter((i) => i.severity === 'error').map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export const errorsOf = (issues: ConfigIssue[]): ConfigIssue[] => issues.filter((i) => i.severity === 'error');
