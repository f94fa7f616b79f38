// Prints one plain closing line, "jest: N passed, N failed, N skipped", that CI reads.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: p, numFailedTests: f, numPendingTests: s, numTodoTests: t } = results;
    process.stdout.write(`\njest: ${p} passed, ${f} failed, ${s + t} skipped\n`);
  }
}
