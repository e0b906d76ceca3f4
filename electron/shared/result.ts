/**
 * Errors cross process boundaries as values, never as thrown exceptions: Electron's IPC keeps only an
 * Error's message, and a WebSocket keeps nothing. Every response is a `Result`.
 */
import { z } from 'zod';
import { projectErrorCodes } from './projectSchemas';

/** Every error code any request can answer with. SCREAMING_SNAKE string literals (house style). */
export const errorCodes = [
  'BAD_REQUEST',
  'UNKNOWN_REQUEST',
  'FORBIDDEN_SENDER',
  'ENGINE_UNAVAILABLE',
  'ENGINE_CRASHED',
  'ENGINE_BUSY',
  'CANCELLED',
  'INVALID_IMAGE',
  'IMAGE_TOO_LARGE',
  /** A request beyond what this machine may attempt (an edit size its memory cannot hold). */
  'TOO_LARGE',
  /** Too many requests from one connection, at once or per second. */
  'RATE_LIMITED',
  'MODEL_MISSING',
  'MODEL_INVALID',
  'NOT_FOUND',
  'INTERNAL',
  ...projectErrorCodes,
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const appErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
/** A typed error value: `code` for programs, `message` for people. */
export type AppError = z.infer<typeof appErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code, message } };
}

/** An exception that carries an error code, for code inside one process; routers turn it into a value. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CodedError';
  }
}

/** The value of an ok result; a failed one is thrown as a CodedError, so the router answers with the same error. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CodedError(result.error.code, result.error.message);
  return result.value;
}

/** The value form of anything thrown: coded errors keep their code, the rest become INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const parsed = appErrorSchema.safeParse({ code: error.code, message: error.message });
    if (parsed.success) return parsed.data;
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
