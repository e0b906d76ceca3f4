/**
 * JSON that carries its own checksum, so a flipped byte that still parses (a label "keep" become "kgep") is
 * noticed instead of trusted. A document gets a `checksum` field over the rest; a journal line is the JSON,
 * a tab and the checksum. The checksum is the sha256 of `JSON.stringify` of the rest, which a
 * `JSON.parse` → `JSON.stringify` round trip reproduces exactly (key order and number text survive it).
 */
import { createHash } from 'node:crypto';

const CHECKSUM_FIELD = 'checksum';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The document as written to disk: its fields, then `checksum`. */
export function sealDocument(doc: object): string {
  const text = JSON.stringify(doc);
  return `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"${CHECKSUM_FIELD}":"${digest(text)}"}`;
}

/**
 * Checks and removes the checksum of a parsed document. 'unsealed': it has none (written by an older
 * version, or by hand), so there is nothing to check it against.
 */
export function unsealDocument(raw: unknown): { doc: unknown; seal: 'ok' | 'bad' | 'unsealed' } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { doc: raw, seal: 'unsealed' };
  const { [CHECKSUM_FIELD]: checksum, ...rest } = raw as Record<string, unknown>;
  if (typeof checksum !== 'string') return { doc: raw, seal: 'unsealed' };
  return { doc: rest, seal: checksum === digest(JSON.stringify(rest)) ? 'ok' : 'bad' };
}

/** One journal line, newline included. JSON.stringify never emits a raw tab or newline. */
export function sealLine(value: unknown): string {
  const text = JSON.stringify(value);
  return `${text}\t${digest(text)}\n`;
}

/** The value of a line written by `sealLine` (without its newline), or undefined when it is damaged. */
export function unsealLine(line: string): unknown {
  const tab = line.lastIndexOf('\t');
  if (tab < 0 || digest(line.slice(0, tab)) !== line.slice(tab + 1)) return undefined;
  try {
    return JSON.parse(line.slice(0, tab));
  } catch {
    return undefined;
  }
}
