/**
 * Fetch failures: the FetchError every failure becomes, with a short, one-line, human message that
 * contains no server-controlled text (status reasons come from Node's own table, never from the
 * response), and the mapping from Node's error codes to those messages.
 */
import http from 'node:http';

export type FetchErrorKind =
  | 'http'
  | 'timeout'
  | 'too-large'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'network'
  | 'bad-encoding'
  | 'unsupported-url'
  | 'unsupported-content';

export class FetchError extends Error {
  readonly kind: FetchErrorKind;
  /** The HTTP status, for kind 'http'. */
  readonly status?: number;
  /** From Retry-After (delta-seconds or HTTP-date) on 429 and 503. */
  readonly retryAfterSeconds?: number;

  constructor(kind: FetchErrorKind, message: string, extra: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'FetchError';
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterSeconds !== undefined) this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

export function timedOut(timeoutMs: number): FetchError {
  return new FetchError('timeout', `timed out after ${formatSeconds(timeoutMs)}`);
}

export function tooLarge(maxBytes: number): FetchError {
  return new FetchError('too-large', `larger than ${formatBytes(maxBytes)}`);
}

/** A final response outside 2xx (redirects and 304 are handled before this). */
export function httpError(status: number, retryAfterHeader: string | undefined, sent: { sentCredentials?: boolean } = {}): FetchError {
  const reason = http.STATUS_CODES[status] ?? 'error';
  if (status === 410) return new FetchError('http', 'gone (HTTP 410): consider removing it', { status });
  if (status === 401) {
    return new FetchError('http', sent.sentCredentials ? 'wrong user or password (HTTP 401)' : 'needs a password (HTTP 401)', { status });
  }
  const retryAfterSeconds = status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader) : undefined;
  const retry = retryAfterSeconds === undefined ? '' : `, retry after ${formatDuration(retryAfterSeconds)}`;
  return new FetchError('http', `HTTP ${status} ${reason}${retry}`, {
    status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/**
 * A `RateLimit-Reset` header as a Retry-After value (delta-seconds), or undefined. The IETF draft sends
 * delta-seconds; Rack::Attack setups (Lobsters among them) send the Unix time the window ends.
 */
export function rateLimitResetAsRetryAfter(value: string | undefined, now: number = Date.now()): string | undefined {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return String(n > 1e9 ? Math.max(0, Math.ceil(n - now / 1000)) : n);
}

/** Retry-After as seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if invalid. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[a-z]{3},? /i.test(text)) return undefined; // IMF-fixdate, RFC 850 or asctime: starts with a day name
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EAI_FAIL: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
  EADDRNOTAVAIL: 'address not available',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the body was complete',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  CERT_NOT_YET_VALID: 'TLS certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer unknown',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  EPROTO: 'TLS handshake failed',
};

/** Map anything thrown below to a FetchError with a short message (never a stack, never server text). */
export function toFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const known = NETWORK_MESSAGES[code];
  if (known !== undefined) {
    // Node reports a connection closed before the response as ECONNRESET "socket hang up".
    const hangUp = code === 'ECONNRESET' && (error as Error).message === 'socket hang up';
    return new FetchError('network', hangUp ? 'connection closed by the server' : known, { cause: error });
  }
  if (code.startsWith('HPE_')) return new FetchError('network', 'malformed HTTP response', { cause: error });
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return new FetchError('network', 'TLS error', { cause: error });
  }
  return new FetchError('network', code ? `network error (${code})` : 'network error', { cause: error });
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
