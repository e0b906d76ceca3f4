/**
 * The server half of a request table, transport-free: takes an untrusted (method, params) pair, validates it,
 * calls the handler and validates what the handler answers, so a result is checked where it is produced.
 * Electron main and the web server put their transport in front of one over the UI contract; the engine host
 * puts its parent channel in front of one over the engine's own table.
 */
import type { z } from 'zod';
import { requests } from './contract';
import { err, ok, toAppError, type Result } from './result';

export type RequestTable = Record<string, { params: z.ZodType; result: z.ZodType }>;
export type TableHandlers<T extends RequestTable> = {
  -readonly [N in keyof T]?: (params: z.input<T[N]['params']>) => Promise<z.output<T[N]['result']>>;
};
export type Handlers = TableHandlers<typeof requests>;
export type Dispatch = (method: unknown, params: unknown) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers): Dispatch;
export function createDispatcher<T extends RequestTable>(handlers: TableHandlers<T>, table: T): Dispatch;
export function createDispatcher(
  handlers: TableHandlers<RequestTable>,
  table: RequestTable = requests,
): Dispatch {
  return async (method, params) => {
    if (typeof method !== 'string' || !Object.hasOwn(table, method))
      return err('UNKNOWN_REQUEST', `unknown request '${String(method).slice(0, 80)}'`);
    const handler = handlers[method];
    if (!handler) return err('UNKNOWN_REQUEST', `request '${method}' is not served here`);
    const spec = table[method]!;
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) return err('BAD_REQUEST', `${method}: ${describeIssues(parsed.error.issues)}`);
    try {
      const value = await handler(parsed.data);
      const checked = spec.result.safeParse(value);
      if (!checked.success)
        return err(
          'INTERNAL',
          `${method} produced an invalid result: ${describeIssues(checked.error.issues)}`,
        );
      return ok(checked.data);
    } catch (error) {
      return { ok: false, error: toAppError(error) };
    }
  };
}

export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}
