/**
 * Retries with exponential backoff for transient failures (network errors, 5xx, 429). A HubError marked
 * not retryable, or an aborted signal, ends the loop at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { HubError } from './hub-errors';

export type RetryPolicy = Readonly<{ attempts: number; baseDelayMs: number; maxDelayMs: number }>;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

export async function withRetry<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  attempt: (n: number) => Promise<T>,
  onRetry?: (error: unknown, n: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const permanent = error instanceof HubError && !error.retryable;
      if (permanent || n >= policy.attempts) throw error;
      onRetry?.(error, n);
      const wait = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      await delay(wait, undefined, signal ? { signal } : undefined);
    }
  }
}
