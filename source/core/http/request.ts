/**
 * One HTTP(S) GET, redirects included: the request headers (conditional GET validators among them),
 * redirects followed by hand (loop detection, a 5-hop cap, and where a run of permanent redirects ends,
 * so the stored URL can be updated), 304, and the status of the final response. Each hop goes through
 * the proxy the environment names for it (proxy.ts), and carries the Basic credentials only while it
 * stays on the origin they were given for.
 */
import http from 'node:http';
import https from 'node:https';
import { VERSION } from '../version.js';
import type { BasicCredentials, FetchOptions, FetchResult } from './types.js';
import { agentFor } from './agents.js';
import { ACCEPT_ENCODING, readBody } from './body.js';
import { FetchError, httpError, rateLimitResetAsRetryAfter, toFetchError, tooLarge } from './errors.js';
import { proxyFor, proxyName } from './proxy.js';

export const USER_AGENT = `Broadsheet/${VERSION} (+https://github.com/broadsheet; terminal feed reader)`;
export const DEFAULT_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** GET `start`, following redirects, and read the final response's body; `signal` aborts all of it. */
export async function fetchHttp(requested: URL, opts: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  // Credentials in the URL become a header and leave the URL: no result, error or redirect names them.
  const login = opts.credentials ?? credentialsIn(requested);
  const start = withoutCredentials(requested);
  const loginOrigin = start.origin;
  const headers: http.OutgoingHttpHeaders = {
    'user-agent': opts.userAgent ?? USER_AGENT,
    accept: opts.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  let current = start;
  const seen = new Set([withoutHash(start)]);
  let redirects = 0;
  let permanentRun = true;
  let movedTo: string | null = null;

  for (;;) {
    // Like browsers and curl: a redirect to another origin does not take the password along.
    const sendsLogin = login !== null && current.origin === loginOrigin;
    const hopHeaders = sendsLogin ? { ...headers, authorization: basicAuthorization(login) } : headers;
    const proxy = proxyFor(current);
    let res: http.IncomingMessage;
    let tunnelStatus: number | null;
    try {
      ({ res, tunnelStatus } = await sendRequest(current, hopHeaders, proxy, signal, true));
    } catch (error) {
      throw proxy === null || signal.aborted ? error : throughProxy(error, proxy);
    }
    const status = res.statusCode ?? 0;
    if (proxy !== null && (status === 407 || tunnelStatus !== null)) {
      discard(res);
      throw proxyRefusal(proxy, tunnelStatus ?? status);
    }

    if (REDIRECT_STATUSES.has(status)) {
      discard(res);
      const location = res.headers.location;
      if (!location) throw new FetchError('http', `HTTP ${status} redirect without a Location`, { status });
      let next: URL;
      try {
        next = withoutCredentials(new URL(location, current));
      } catch {
        throw new FetchError('http', `HTTP ${status} redirect to an invalid URL`, { status });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FetchError('unsupported-url', `redirect to unsupported URL scheme "${next.protocol}"`);
      }
      const key = withoutHash(next);
      if (seen.has(key)) throw new FetchError('redirect-loop', 'redirect loop');
      redirects++;
      if (redirects > MAX_REDIRECTS) {
        throw new FetchError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`);
      }
      seen.add(key);
      if (permanentRun && (status === 301 || status === 308)) movedTo = next.href;
      else permanentRun = false;
      current = next;
      continue;
    }

    const finalUrl = current.href;
    const moved = movedTo !== null && movedTo !== start.href ? movedTo : null;

    if (status === 304) {
      discard(res);
      return {
        status: 'not-modified',
        url: finalUrl,
        etag: res.headers.etag ?? opts.etag ?? null,
        lastModified: res.headers['last-modified'] ?? opts.lastModified ?? null,
        movedTo: moved,
      };
    }

    if (status < 200 || status > 299) {
      discard(res);
      throw httpError(status, res.headers['retry-after'] ?? rateLimitResetAsRetryAfter(header(res.headers['ratelimit-reset'])), {
        sentCredentials: sendsLogin,
      });
    }

    const refused = opts.refuseContentType?.(res.headers['content-type'] ?? null) ?? null;
    if (refused !== null) {
      discard(res);
      throw new FetchError('unsupported-content', refused);
    }

    const declaredLength = Number(res.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > opts.maxBytes) {
      res.destroy();
      throw tooLarge(opts.maxBytes);
    }
    const bytes = await readBody(res, res.headers['content-encoding'], opts.maxBytes, signal);
    return {
      status: 'ok',
      url: finalUrl,
      bytes,
      contentType: res.headers['content-type'] ?? null,
      etag: res.headers.etag ?? null,
      lastModified: res.headers['last-modified'] ?? null,
      movedTo: moved,
    };
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

function credentialsIn(url: URL): BasicCredentials | null {
  if (url.username === '' && url.password === '') return null;
  try {
    return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch {
    return { user: url.username, password: url.password };
  }
}

function withoutCredentials(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy;
}

function basicAuthorization(login: BasicCredentials): string {
  return `Basic ${Buffer.from(`${login.user}:${login.password}`, 'utf8').toString('base64')}`;
}

/** A failure on the way to or through a proxy names the proxy, without its credentials. */
function throughProxy(error: unknown, proxy: URL): FetchError {
  const failure = toFetchError(error);
  if (failure.kind !== 'network') return failure;
  return new FetchError('network', `${failure.message} (through the proxy ${proxyName(proxy)})`, { cause: error });
}

/** The proxy, not the server, answered: a 407, or a CONNECT it would not open. */
function proxyRefusal(proxy: URL, status: number): FetchError {
  if (status === 407) {
    const why = proxy.username || proxy.password ? 'refused its user or password' : 'needs a password';
    return new FetchError('http', `the proxy ${proxyName(proxy)} ${why} (HTTP 407)`, { status });
  }
  return new FetchError('http', `the proxy ${proxyName(proxy)} answered HTTP ${status} ${http.STATUS_CODES[status] ?? 'error'}`, { status });
}

interface Sent {
  res: http.IncomingMessage;
  /** A CONNECT the proxy answered with anything but 200: its status (the response is the proxy's). */
  tunnelStatus: number | null;
}

/**
 * One GET. A keep-alive socket can be closed by the server just as we reuse it; that surfaces as
 * ECONNRESET/EPIPE before any response, and Node's docs recommend retrying on `req.reusedSocket`.
 * We retry once, on a fresh socket (a GET is idempotent).
 */
function sendRequest(url: URL, headers: http.OutgoingHttpHeaders, proxy: URL | null, signal: AbortSignal, mayRetry: boolean): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    let tunnelStatus: number | null = null;
    const req = mod.request(url, { method: 'GET', headers, agent: agentFor(url.protocol, proxy), signal }, (res) => resolve({ res, tunnelStatus }));
    // https-proxy-agent reports the answer to its CONNECT; http-proxy-agent's event carries no status.
    req.on('proxyConnect', (answer: { statusCode?: number }) => {
      if (answer.statusCode !== undefined && answer.statusCode !== 200) tunnelStatus = answer.statusCode;
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = error.code === 'ECONNRESET' || error.code === 'EPIPE';
      if (mayRetry && stale && req.reusedSocket && !signal.aborted) {
        resolve(sendRequest(url, headers, proxy, signal, false));
      } else {
        reject(error);
      }
    });
    req.end();
  });
}

/**
 * Throw away a response we will not read. A small body is drained so the socket goes back to the pool;
 * a large or unknown-length one is not worth downloading: destroy the socket instead.
 */
function discard(res: http.IncomingMessage): void {
  const length = Number(res.headers['content-length']);
  if (res.statusCode === 304 || (Number.isFinite(length) && length <= 64 * 1024)) res.resume();
  else res.destroy();
}
