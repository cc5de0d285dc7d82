/** What a fetch is asked and what it answers: shared by http.ts and its parts in this folder. */

export interface FetchOptions {
  /** Whole request, from connect to last body byte (all redirects included); aborts the socket. */
  timeoutMs: number;
  /** Cap on DECOMPRESSED body bytes, enforced while streaming; a larger Content-Length fails at once. */
  maxBytes: number;
  /** Defaults to USER_AGENT. */
  userAgent?: string;
  /** Sent as If-None-Match. */
  etag?: string | null;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Defaults to DEFAULT_ACCEPT. */
  accept?: string;
  /** Caller cancellation: its `reason` is rethrown as is. */
  signal?: AbortSignal;
  /**
   * Checked against the final response's Content-Type before its body is read: a reason to refuse it
   * (kind 'unsupported-content'), or null. A web page fetch refuses a PDF without downloading it.
   */
  refuseContentType?: (contentType: string | null) => string | null;
  /**
   * HTTP Basic credentials, sent to the requested URL's origin only (not after a redirect elsewhere).
   * Without them, a user and password in the URL are used the same way.
   */
  credentials?: BasicCredentials;
}

export interface BasicCredentials {
  user: string;
  password: string;
}

export interface FetchOk {
  status: 'ok';
  /** Final URL after redirects (for a local file: the input as given). */
  url: string;
  bytes: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /**
   * Where the leading run of permanent redirects (301/308) ended, when that differs from the requested
   * URL: the stored URL may be updated to it. A temporary redirect (302/303/307) ends the run, so
   * `301 A->B, 302 B->C` gives B, never the temporary C.
   */
  movedTo: string | null;
}

export interface FetchNotModified {
  status: 'not-modified';
  url: string;
  /** The validators to keep: from the 304 when it sends them, else the ones we sent. */
  etag: string | null;
  lastModified: string | null;
  /** As in FetchOk: a 301 followed by a 304 at the new address still moves the subscription. */
  movedTo: string | null;
}

export type FetchResult = FetchOk | FetchNotModified;

export type FetchTextResult = (Omit<FetchOk, 'bytes'> & { text: string }) | FetchNotModified;

/** Fetch an http(s) URL, a file: URL or a local path, with the limits and validators in `opts`. */
