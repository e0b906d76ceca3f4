/**
 * JSON for the WebSocket transport, with Uint8Array carried as base64 under a `$bytes` key (JSON has no
 * binary type). Electron IPC needs none of this: structured clone keeps Uint8Array as it is.
 */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? { $bytes: bytesToBase64(v) } : v,
  );
}

export function fromWireJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    v && typeof v === 'object' && '$bytes' in v && typeof v.$bytes === 'string' && Object.keys(v).length === 1
      ? base64ToBytes(v.$bytes)
      : v,
  );
}

const CHUNK = 0x8000;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
