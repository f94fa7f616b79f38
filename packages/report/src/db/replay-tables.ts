/**
 * Columns of anomalies.arrow and pages.arrow (the replay stage's contract). Used to give a run
 * that was never replayed empty tables of the right shape, and by tests to write run dirs.
 */
export { ANOMALY_COLUMNS, PAGE_COLUMNS } from '@pagetrace/replay';
