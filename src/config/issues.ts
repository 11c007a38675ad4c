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
  /** 1-based source position when known (always for YAML syntax errors); for editors and tooling. */
  line?: number;
  col?: number;
}

/**
 * `file: path: message`. An issue without a path (a YAML syntax error, an unreadable file)
 * names its position instead: `file:line:col: message`.
 */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.path) where += `: ${issue.path}`;
  else if (issue.line !== undefined) where += `:${issue.line}:${issue.col ?? 1}`;
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

export const configError = (file: string, path: string, message: string): ConfigIssue => ({
  file,
  path,
  message,
  severity: 'error',
});

export const configWarning = (file: string, path: string, message: string): ConfigIssue => ({
  file,
  path,
  message,
  severity: 'warning',
});

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      issues
        .filter((i) => i.severity === 'error')
        .map(formatIssue)
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export const errorsOf = (issues: ConfigIssue[]): ConfigIssue[] => issues.filter((i) => i.severity === 'error');

/** Stable order for reports: by file, then source line, then path; errors before warnings on a tie. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? Infinity) - (b.line ?? Infinity) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
