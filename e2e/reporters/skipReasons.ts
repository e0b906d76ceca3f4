/**
 * Prints why each skipped test was skipped at the end of the run (the list reporter shows only a dash),
 * so "Electron spec skipped: binary not installed" is visible in CI logs, not only in the HTML report; then
 * one plain `e2e: N passed, N failed, N skipped` line, the form CI reads as the suite's count.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SkipReasons implements Reporter {
  readonly #skipped: string[] = [];
  readonly #outcomes = new Map<string, string>();

  onTestEnd(test: TestCase, result: TestResult): void {
    // The last attempt of a retried test is the one that counts.
    this.#outcomes.set(test.id, test.outcome());
    if (result.status !== 'skipped') return;
    const reason = [...result.annotations, ...test.annotations].find((a) => a.type === 'skip')?.description;
    this.#skipped.push(
      `  - ${test.titlePath().filter(Boolean).slice(1).join(' › ')}: ${reason ?? 'no reason given'}`,
    );
  }

  onEnd(): void {
    if (this.#skipped.length > 0)
      console.log(`\nSkipped (${this.#skipped.length}):\n${this.#skipped.join('\n')}`);
    const outcomes = [...this.#outcomes.values()];
    const count = (...kinds: string[]) => outcomes.filter((o) => kinds.includes(o)).length;
    console.log(
      `\ne2e: ${count('expected', 'flaky')} passed, ${count('unexpected')} failed, ${count('skipped')} skipped`,
    );
  }

  printsToStdio(): boolean {
    return true;
  }
}
