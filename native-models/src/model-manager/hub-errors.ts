/** Errors from the hub, worded for the person who has to act on them (never with the token in them). */
export class HubError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** false: retrying cannot help (auth, not found, a hash mismatch that persists). */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** The error for a non-OK HTTP response to `what` (a repo or file, as the user knows it). */
export function httpError(status: number, what: string, hasToken: boolean): HubError {
  if (status === 401 || status === 403) {
    const hint = hasToken
      ? 'the access token was refused: check that it is valid and has read access to this repository'
      : 'this repository needs an access token (add one in the model settings, or QWEN_EDIT_HF_TOKEN)';
    return new HubError(`${what}: HTTP ${status}, ${hint}`, status, false);
  }
  if (status === 404) return new HubError(`${what}: not found on the server (HTTP 404)`, status, false);
  if (status === 416) return new HubError(`${what}: the server refused the byte range (HTTP 416)`, status);
  return new HubError(`${what}: HTTP ${status}`, status, status >= 500 || status === 429);
}
