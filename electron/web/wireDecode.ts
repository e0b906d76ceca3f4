/**
 * The server's strict reading of a client frame. The shared `fromWireJson` trusts its input (the client
 * reads what our server wrote); here the input is anyone's, so depth, envelope shape and every `$bytes`
 * string are checked, and each failure says what was wrong so the client gets a BAD_REQUEST, not silence.
 */
import type { WsClientEnvelope } from '../shared/transport/wsTransport';
import { MAX_JSON_DEPTH } from './limits';

export class WireFormatError extends Error {}

type RequestEnvelope = Extract<WsClientEnvelope, { kind: 'request' }>;

export function decodeRequestFrame(text: string): RequestEnvelope | { kind: 'preview-ack' } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WireFormatError('the frame is not JSON');
  }
  const envelope = revive(raw, 0) as Partial<RequestEnvelope> | { kind: 'preview-ack' } | null;
  if (envelope && typeof envelope === 'object' && envelope.kind === 'preview-ack')
    return { kind: 'preview-ack' };
  if (
    !envelope ||
    typeof envelope !== 'object' ||
    envelope.kind !== 'request' ||
    !Number.isSafeInteger(envelope.id) ||
    typeof envelope.method !== 'string'
  )
    throw new WireFormatError('the frame is not a request envelope {kind, id, method, params}');
  return envelope as RequestEnvelope;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function revive(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_JSON_DEPTH)
    throw new WireFormatError(`the frame nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$bytes') {
    const text = record.$bytes;
    if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text))
      throw new WireFormatError('a $bytes field is not valid base64');
    const bytes = Buffer.from(text, 'base64');
    // Small Buffers share Node's pool; a copy keeps `.buffer` this array's own for code that reads it.
    return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength
      ? new Uint8Array(bytes.buffer)
      : new Uint8Array(bytes);
  }
  for (const key of keys) {
    // Assigning a parsed `__proto__` key would swap the object's prototype.
    if (key === '__proto__') throw new WireFormatError('the frame has a __proto__ key');
    record[key] = revive(record[key], depth + 1);
  }
  return record;
}
