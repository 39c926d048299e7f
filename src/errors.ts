/** One problem in a configuration file, located where a person can jump to it. */
export interface ConfigIssue {
  file: string;
  line?: number;
  col?: number;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col ?? 1}`;
  return `${where}: ${issue.message}`;
}

/** Thrown when a file (or a set of files) fails validation; carries every issue, not just the first. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Thrown for bad input that is not tied to a file position (unknown names, unsafe paths, wrong state). */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export function quoteList(values: Iterable<string>): string {
  const list = [...values];
  return list.length === 0 ? "(none)" : list.map((v) => `\`${v}\``).join(", ");
}
