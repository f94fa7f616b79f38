/**
 * Errors meant for the person running pagetrace: one clear line, naming the file and,
 * where it applies, the line. The CLI prints `message` and exits with `exitCode`; it never
 * prints a stack trace for these.
 */
export class PagetraceError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly exitCode: number;

  constructor(message: string, opts: { file?: string; line?: number; exitCode?: number } = {}) {
    const where = opts.file === undefined ? '' : opts.line === undefined ? `${opts.file}: ` : `${opts.file}:${opts.line}: `;
    super(where + message);
    this.name = 'PagetraceError';
    this.file = opts.file;
    this.line = opts.line;
    this.exitCode = opts.exitCode ?? 2;
  }
}

export function isPagetraceError(e: unknown): e is PagetraceError {
  return e instanceof Error && e.name === 'PagetraceError';
}
