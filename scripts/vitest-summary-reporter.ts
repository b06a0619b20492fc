// Prints one closing line `N passed, N failed, N skipped` (what CI reads) after vitest's own summary.
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  private modules: readonly TestModule[] = [];
  private readonly startedAt = Date.now();

  onTestRunEnd(testModules: readonly TestModule[]): void {
    this.modules = testModules;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of this.modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is a failure.
      if (mod.state() === "failed" && [...mod.children.allTests()].length === 0) failed++;
    }
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    process.stdout.write(`\n[test] vitest ${seconds}s\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
