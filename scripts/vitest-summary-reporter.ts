// Prints one closing line `N passed, N failed, N skipped` (what CI reads) after vitest's own summary.
import type { Reporter, SerializedError, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  private readonly startedAt = Date.now();

  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that failed outside its tests (failed to load, a beforeAll threw: its tests show as
      // skipped) is a failure too.
      if (mod.state() === "failed" && ![...mod.children.allTests()].some((t) => t.result().state === "failed")) failed++;
    }
    // Errors outside any test (global setup, unhandled rejections) fail the run too.
    failed += unhandledErrors.length;
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    process.stdout.write(`\n[test] vitest ${seconds}s\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
