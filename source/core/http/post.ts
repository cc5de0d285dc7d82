/**
 * One JSON POST (a sync server's API): the same User-Agent, timeout, decompressed-size cap and
 * keep-alive pool as the feed fetches, no redirects (an API that moves is a settings problem), and the
 * answer parsed as JSON. Errors are FetchError, one line without server-controlled text.
 */
import http from 'node:http';
import https from 'node:https';
import { agentFor } from './agents.js';
import { ACCEPT_ENCODING, readBody } from './body.js';
import { FetchError, httpError, timedOut, toFetchError } from './errors.js';
import { USER_AGENT } from './request.js';

export interface PostOptions {
  timeoutMs: number;
  maxBytes: number;
  userAgent?: string;
  signal?: AbortSignal;
}

export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<unknown> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new FetchError('unsupported-url', 'not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new FetchError('unsupported-url', `unsupported URL scheme "${target.protocol}"`);
  if (opts.signal?.aborted) throw opts.signal.reason;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timedOut(opts.timeoutMs)), Math.max(1, opts.timeoutMs));
  const onCallerAbort = (): void => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const payload = Buffer.from(JSON.stringify(body));
  try {
    const res = await send(target, payload, opts.userAgent ?? USER_AGENT, controller.signal);
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      res.resume();
      throw httpError(status, undefined);
    }
    const bytes = await readBody(res, res.headers['content-encoding'], opts.maxBytes, controller.signal);
    const text = Buffer.from(bytes).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new FetchError('http', 'the answer is not JSON');
    }
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error instanceof FetchError ? error : toFetchError(error);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function send(url: URL, payload: Buffer, userAgent: string, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const headers = {
      'user-agent': userAgent,
      'content-type': 'application/json',
      'content-length': payload.length,
      accept: 'application/json',
      'accept-encoding': ACCEPT_ENCODING,
    };
    // No retry on a reused socket's reset: a POST that marks articles may have reached the server.
    // Marks are sent as "set to", never "toggle", so the caller may send one again safely.
    const req = mod.request(url, { method: 'POST', headers, agent: agentFor(url.protocol), signal }, resolve);
    req.on('error', reject);
    req.end(payload);
  });
}
