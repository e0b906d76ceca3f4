/**
 * Project operations throw `ProjectError`: a CodedError whose `code` is one of the project codes, with a
 * message written for the user. The app's IPC layer turns it into an error value (`{ code, message }`).
 */
import { CodedError } from '../../shared/result';
import type { ProjectErrorCode } from './schemas';

export class ProjectError extends CodedError {
  declare readonly code: ProjectErrorCode;

  constructor(code: ProjectErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ProjectError';
  }
}

/** True for an error thrown by a Node fs call with the given errno code. */
export function hasErrno(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    codes.includes(error.code)
  );
}

/**
 * Wraps a failed write: a full disk (or quota) becomes DISK_FULL with a message that says nothing was lost,
 * anything else IO_ERROR. Project errors pass through unchanged.
 */
export function toWriteError(error: unknown, what: string): ProjectError {
  if (error instanceof ProjectError) return error;
  if (hasErrno(error, 'ENOSPC', 'EDQUOT')) {
    return new ProjectError(
      'DISK_FULL',
      `The disk is full: could not save ${what}. Nothing was lost; free some space and try again.`,
      { cause: error },
    );
  }
  if (hasErrno(error, 'EACCES', 'EPERM', 'EROFS')) {
    return new ProjectError('IO_ERROR', `No permission to write ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return new ProjectError('IO_ERROR', `Could not save ${what}: ${(error as Error).message}`, {
    cause: error,
  });
}
