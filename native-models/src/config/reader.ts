/**
 * Reads fields of a checkpoint's config.json with errors that name the file and the field, so that a
 * config the graph builders cannot handle is refused with one clear line before anything is written.
 */
export type Json = Record<string, unknown>;

export class ConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export class ConfigReader {
  constructor(
    readonly file: string,
    readonly json: Json,
  ) {}

  static of(file: string, json: unknown): ConfigReader {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ConfigError(file, 'not a JSON object');
    }
    return new ConfigReader(file, json as Json);
  }

  /** A nested object (e.g. `vision_config`), read with the same error style. */
  child(key: string): ConfigReader {
    const v = this.json[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ConfigError(this.file, `'${key}' must be an object`);
    return new ConfigReader(`${this.file} ${key}`, v as Json);
  }

  int(key: string, fallback?: number, min = 1): number {
    const v = this.json[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new ConfigError(this.file, `'${key}' must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  number(key: string, fallback?: number): number {
    const v = this.json[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ConfigError(this.file, `'${key}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  ints(key: string, fallback?: readonly number[]): number[] {
    const v = this.json[key] ?? fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
      throw new ConfigError(this.file, `'${key}' must be a list of integers, got ${JSON.stringify(v)}`);
    }
    return v as number[];
  }

  numbers(key: string, fallback?: readonly number[]): number[] {
    const v = this.json[key] ?? fallback;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new ConfigError(this.file, `'${key}' must be a list of numbers, got ${JSON.stringify(v)}`);
    }
    return v as number[];
  }

  /** A field that must hold one of the supported values (or be absent, meaning `fallback`). */
  oneOf<T>(key: string, supported: readonly T[], fallback: T): T {
    const v = (this.json[key] ?? fallback) as T;
    if (!supported.includes(v)) {
      throw new ConfigError(
        this.file,
        `unsupported value ${JSON.stringify(v)} for '${key}' (supported: ${supported.map((s) => JSON.stringify(s)).join(', ')})`,
      );
    }
    return v;
  }

  /** Refuses a field's value, saying what is supported. */
  reject(key: string, supported: string): never {
    throw new ConfigError(
      this.file,
      `unsupported value ${JSON.stringify(this.json[key])} for '${key}' (supported: ${supported})`,
    );
  }

  /** A field that must have exactly this value when present. */
  expect<T>(key: string, value: T): void {
    this.oneOf(key, [value], value);
  }
}
