/**
 * The UI's view of the contract. The renderer holds one `ContractClient` and never knows which transport
 * (Electron IPC or WebSocket) is behind it.
 */
import {
  events,
  requests,
  type EventName,
  type EventPayload,
  type ParamsOf,
  type RequestName,
  type ResultOf,
} from './contract';
import { describeIssues } from './dispatcher';
import { decodePreviewFrame, type PreviewFrame } from './previewFrame';
import { err, type Result } from './result';

export interface ContractClient {
  request<N extends RequestName>(method: N, params: ParamsOf<N>): Promise<Result<ResultOf<N>>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Preview frames, latest wins: the sender keeps at most one frame unacknowledged, so call `ack` once the
   * frame is painted (or dropped) to receive the next.
   */
  onPreview(listener: (frame: PreviewFrame, ack: () => void) => void): () => void;
}

/** What a transport must provide: raw sends and raw incoming messages. Validation happens here, once. */
export type RawTransport = {
  send(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  subscribePreview(listener: (bytes: Uint8Array, ack: () => void) => void): () => void;
};

export function createContractClient(transport: RawTransport): ContractClient {
  return {
    async request(method, params) {
      let raw: unknown;
      try {
        raw = await transport.send(method, params);
      } catch (error) {
        return err('ENGINE_UNAVAILABLE', error instanceof Error ? error.message : String(error));
      }
      return checkResult(method, raw);
    },
    on(event, listener) {
      return transport.subscribe((name, payload) => {
        if (name !== event) return;
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
        else console.warn(`dropped malformed '${name}' event: ${describeIssues(parsed.error.issues)}`);
      });
    },
    onPreview(listener) {
      return transport.subscribePreview((bytes, ack) => {
        let frame: PreviewFrame;
        try {
          frame = decodePreviewFrame(bytes);
        } catch (error) {
          console.warn('dropped malformed preview frame', error);
          return ack();
        }
        listener(frame, ack);
      });
    },
  };
}

function checkResult<N extends RequestName>(method: N, raw: unknown): Result<ResultOf<N>> {
  if (typeof raw !== 'object' || raw === null || !('ok' in raw))
    return err('INTERNAL', `${method}: malformed response`);
  const r = raw as { ok: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) {
    const parsed = requests[method].result.safeParse(r.value);
    if (!parsed.success)
      return err('INTERNAL', `${method}: invalid result: ${describeIssues(parsed.error.issues)}`);
    return { ok: true, value: parsed.data as ResultOf<N> };
  }
  const code = r.error?.code;
  const message = typeof r.error?.message === 'string' ? r.error.message : 'unknown error';
  return { ok: false, error: { code: typeof code === 'string' ? (code as never) : 'INTERNAL', message } };
}
