/**
 * Prints why each skipped test was skipped at the end of the run (the list reporter shows only a dash),
 * so "Electron spec skipped: binary not installed" is visible in CI logs, not only in the HTML report.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasons implements Reporter {
  readonly #skipped: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reason = [...result.annotations, ...test.annotations].find((a) => a.type === 'skip')?.description;
    this.#skipped.push(
      `  - ${test.titlePath().filter(Boolean).slice(1).join(' › ')}: ${reason ?? 'no reason given'}`,
    );
  }

  onEnd(): void {
    if (this.#skipped.length === 0) return;
    console.log(`\nSkipped (${this.#skipped.length}):\n${this.#skipped.join('\n')}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
