/**
 * The server half of the contract, transport-free: takes an untrusted (method, params) pair, validates it,
 * calls the handler and validates what the handler answers. Electron main and the web server both put their
 * transport in front of one of these.
 */
import { isRequestName, requests, type ParamsOf, type RequestName, type ResultOf } from './contract';
import { err, ok, toAppError, type Result } from './result';

export type Handler<N extends RequestName> = (params: ParamsOf<N>) => Promise<ResultOf<N>>;
export type Handlers = { [N in RequestName]?: Handler<N> };
export type Dispatch = (method: unknown, params: unknown) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, params) => {
    if (!isRequestName(method))
      return err('UNKNOWN_REQUEST', `unknown request '${String(method).slice(0, 80)}'`);
    const handler = handlers[method] as ((p: unknown) => Promise<unknown>) | undefined;
    if (!handler) return err('UNKNOWN_REQUEST', `request '${method}' is not served here`);
    const spec = requests[method];
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
