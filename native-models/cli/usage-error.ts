/**
 * A command line that cannot work as typed. `main` answers it with exit code 2 and a pointer to the
 * command's `--help`; every other error is a runtime failure (exit code 1).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
