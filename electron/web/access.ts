/**
 * Who may talk to web mode (issue 10, item 1). Every HTTP request and every WebSocket upgrade, loopback
 * included, must carry the per-launch token and name this server in `Host` (DNS rebinding) and, when the
 * client sends one, in `Origin` (a page on another site). Anything else gets a bare 403.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './loopback';

/** 128 bits is the floor: enough that guessing over a socket is hopeless. */
export const MIN_TOKEN_BITS = 128;

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Estimated entropy of a user-chosen token: its length times the bits per character of the smallest usual
 * alphabet it fits (hex, else base64). A low-variety string ("aaaa…", "abab…") is
 * refused whatever its length, since the estimate assumes characters drawn at random.
 */
export function tokenProblem(token: string): string | null {
  // Cookie-safe characters only: the token travels in a cookie value and a query parameter.
  if (!/^[A-Za-z0-9_\-+/=.~]+$/.test(token))
    return 'QWEN_EDIT_TOKEN may contain only letters, digits and - _ + / = . ~';
  const alphabetBits = /^[0-9a-f]+$/i.test(token) ? 4 : 6;
  const bits = Math.floor(token.length * alphabetBits);
  const distinct = new Set(token).size;
  if (bits < MIN_TOKEN_BITS)
    return `QWEN_EDIT_TOKEN is too short: about ${bits} bits, at least ${MIN_TOKEN_BITS} are needed (32 hex or 22 base64url characters; leave it unset and a random one is made)`;
  if (distinct < Math.min(10, token.length / 2))
    return `QWEN_EDIT_TOKEN uses only ${distinct} different characters; use a random value (e.g. \`openssl rand -hex 16\`)`;
  return null;
}

export type AccessPolicy = {
  /** The one cookie this server sets; named per port because cookies are shared across ports of a host. */
  cookieName: string;
  /** Is this request for this server, from this server's pages or a non-browser client, with the token? */
  allows(request: IncomingMessage): boolean;
  /** True when the token came in the query (the first page load); the response should set the cookie. */
  tokenInQuery(request: IncomingMessage): boolean;
  cookieHeader(): string;
};

export function createAccessPolicy(options: {
  host: string;
  port: number;
  token: string;
  secure?: boolean;
}): AccessPolicy {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(options.token);
  const matches = (given: string | null | undefined) =>
    typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(given), expected);
  const cookieName = `qwen_edit_token_${options.port}`;
  const hostNames = isLoopbackHost(options.host)
    ? ['127.0.0.1', 'localhost', '[::1]', bracket(options.host)]
    : [bracket(options.host)];
  const allowedHosts = new Set(hostNames.map((h) => `${h}:${options.port}`.toLowerCase()));
  const scheme = options.secure ? 'https' : 'http';

  const queryToken = (request: IncomingMessage) =>
    new URL(request.url ?? '/', 'http://x').searchParams.get('token');
  const cookieToken = (request: IncomingMessage) => {
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookieName) return part.slice(eq + 1).trim();
    }
    return null;
  };

  return {
    cookieName,
    allows(request) {
      const host = (request.headers.host ?? '').toLowerCase();
      if (!allowedHosts.has(host)) return false;
      // Browsers always send Origin on a WebSocket upgrade and on cross-site fetches; a non-browser client
      // has no page another site could drive, so it may omit it, but `null` or any other origin is refused.
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `${scheme}://${host}`) return false;
      return matches(queryToken(request)) || matches(cookieToken(request));
    },
    tokenInQuery: (request) => matches(queryToken(request)),
    cookieHeader: () =>
      `${cookieName}=${options.token}; Path=/; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`,
  };
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
