/**
 * Rotating log files for main, the engine and the page's console errors (one file each, in the logs folder
 * "Help ▸ Open logs folder" shows). A line carries its job id when it has one. What users type (prompts) and
 * secrets (tokens) never reach a file at info level or above; tokens never at all. Plain Node, no Electron.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = { jobId?: string } & Record<string, unknown>;

export type LogOptions = {
  dir: string;
  /** The file's base name: `main` writes main.log, then main.1.log … main.<keep>.log. */
  name: string;
  maxBytes?: number;
  keep?: number;
  /** Lines below this level are dropped. */
  level?: LogLevel;
  now?: () => Date;
};

/** Field names whose values are the user's words: kept only at debug level. */
const PRIVATE_FIELDS = /^(prompt|negativePrompt|instruction|text|oldText|newText)$/i;
/** Field names whose values are secrets: never written. */
const SECRET_FIELDS = /(token|secret|password|authorization|cookie|apiKey)/i;
/** Secrets inside free text: `token=…`, `Bearer …`, `QWEN_EDIT_TOKEN=…`, a URL's `?token=…`. */
const SECRET_TEXT = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g,
  /\b([A-Z_]*TOKEN|token|access_token|api_key|apikey|password)(["']?\s*[:=]\s*["']?)[^\s&"',;]+/g,
];
/** Prompts inside free text, as the contract's JSON carries them. */
const PROMPT_TEXT = /("(?:prompt|negativePrompt|instruction|oldText|newText)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

export function redact(message: string, level: LogLevel): string {
  let out = message.replace(SECRET_TEXT[0]!, '$1 [redacted]').replace(SECRET_TEXT[1]!, '$1$2[redacted]');
  if (RANK[level] >= RANK.info) out = out.replace(PROMPT_TEXT, '$1"[redacted]"');
  return out;
}

function redactFields(fields: Record<string, unknown>, level: LogLevel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELDS.test(key)) out[key] = '[redacted]';
    else if (PRIVATE_FIELDS.test(key) && RANK[level] >= RANK.info)
      out[key] = typeof value === 'string' ? `[${value.length} chars]` : '[redacted]';
    else if (typeof value === 'string') out[key] = redact(value, level);
    else out[key] = value;
  }
  return out;
}

export function formatLine(level: LogLevel, message: string, fields: LogFields, at: Date): string {
  const { jobId, ...rest } = redactFields(fields, level) as LogFields;
  const job = jobId ? ` job=${jobId}` : '';
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  const text = redact(message, level).replace(/\r?\n/g, '\n    ');
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)}${job} ${text}${extra}\n`;
}

export type RotatingLog = {
  readonly file: string;
  write(level: LogLevel, message: string, fields?: LogFields): void;
};

export function createRotatingLog(options: LogOptions): RotatingLog {
  const {
    dir,
    name,
    maxBytes = 2 * 1024 * 1024,
    keep = 4,
    level: minLevel = 'info',
    now = () => new Date(),
  } = options;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.log`);
  const rotated = (n: number) => join(dir, `${name}.${n}.log`);
  let size = existsSync(file) ? statSync(file).size : 0;

  function rotate(): void {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    if (existsSync(file)) renameSync(file, rotated(1));
    size = 0;
  }

  return {
    file,
    write(level, message, fields = {}) {
      if (RANK[level] < RANK[minLevel]) return;
      const line = formatLine(level, message, fields, now());
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxBytes) rotate();
      // Synchronous on purpose: the line must be on disk if the process dies right after (a crash is when
      // the log matters most), and lines are few and short.
      appendFileSync(file, line);
      size += bytes;
    },
  };
}

/** The last `count` lines of a log, for the engine-crash dialog: the current file, then older ones as needed. */
export function lastLines(dir: string, name: string, count: number): string[] {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : null);
  let lines = read(join(dir, `${name}.log`)) ?? [];
  for (let n = 1; lines.length < count; n++) {
    const older = read(join(dir, `${name}.${n}.log`));
    if (!older) break;
    lines = [...older, ...lines];
  }
  return lines.slice(-count);
}
