/** What kind of problem stopped an edit, so a caller can answer it without knowing the error classes. */
export type EditErrorCode = 'invalid-request' | 'invalid-image' | 'invalid-model';

/** The base of the pipeline's errors a user can fix; the message says how. */
export abstract class EditError extends Error {
  abstract readonly code: EditErrorCode;
}
