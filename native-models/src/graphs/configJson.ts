/** Reading numeric fields of a Hugging Face config.json, shared by the graph builders' config parsers. */
export type Json = Record<string, unknown>;

/** `obj[key]` (or `fallback`) as a finite number; the error names the file and the key. */
export function num(obj: Json, key: string, where: string, fallback?: number): number {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: '${key}' must be a number`);
  return v;
}
