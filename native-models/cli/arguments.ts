/**
 * The option parser every command uses: node's `parseArgs`, with negative numbers accepted as values
 * (`--steps -5` reaches the range check instead of being taken for an option) and its errors reworded
 * as one-line usage errors.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** `--name -5` → `--name=-5` where `--name` takes a value. */
function joinNegativeValues(argv: readonly string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function quoted(message: string): string {
  return /'([^' ]+)/.exec(message)?.[1] ?? '';
}

/** parseArgs' multi-line, code-prefixed errors as one line naming the option. */
function usageErrorFrom(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option '${quoted(message)}'`);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new UsageError(`unexpected argument '${/'(.*?)'/.exec(message)?.[1] ?? ''}'`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = quoted(message);
    return new UsageError(
      /does not take an argument/.test(message) ? `${name} takes no value` : `${name} needs a value`,
    );
  }
  return error;
}

/** The options' values; a malformed command line throws a UsageError. */
export function parseOptions<O extends OptionTable>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true }).values;
  } catch (error) {
    throw usageErrorFrom(error);
  }
}

/** Refuses a command line that leaves out any of `names`, naming every one missing. */
export function requireOptions(values: Record<string, unknown>, ...names: string[]): void {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(' and ')}`);
}

/** Refuses two options that exclude each other. */
export function exclusive(values: Record<string, unknown>, a: string, b: string): void {
  const given = (n: string) => values[n] !== undefined && values[n] !== false;
  if (given(a) && given(b)) throw new UsageError(`give --${a} or --${b}, not both`);
}

/** The value of a numeric option, if given. */
export function numberOption(name: string, text: string | boolean | undefined): number | undefined {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`--${name} must be a number, got '${text}'`);
  return v;
}

/** A numeric option checked against an inclusive range (and integrality). */
export function rangeOption(
  name: string,
  text: string | boolean | undefined,
  range: Readonly<{ min: number; max: number }>,
  integer = false,
): number | undefined {
  const v = numberOption(name, text);
  if (v === undefined) return undefined;
  if ((integer && !Number.isInteger(v)) || v < range.min || v > range.max)
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer ' : ''}from ${range.min} to ${range.max}, got ${text as string}`,
    );
  return v;
}

/** A choice among fixed words. */
export function choiceOption<T extends string>(
  name: string,
  text: string | boolean | undefined,
  choices: readonly T[],
): T | undefined {
  if (text === undefined || typeof text === 'boolean') return undefined;
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}
