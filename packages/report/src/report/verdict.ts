/** The one-word answer of a run, from its anomaly counts, shared by the report and `check`. */
export type Verdict = 'clean' | 'warnings' | 'errors';
export type FailOn = 'warning' | 'error';

export interface SeverityCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function verdictOf(counts: SeverityCounts): Verdict {
  if (counts.errors > 0) return 'errors';
  if (counts.warnings > 0) return 'warnings';
  return 'clean';
}

/** True when the run should fail CI: an error, or with --fail-on warning also a warning. */
export function fails(counts: SeverityCounts, failOn: FailOn = 'error'): boolean {
  return counts.errors > 0 || (failOn === 'warning' && counts.warnings > 0);
}
