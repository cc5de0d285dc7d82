/**
 * Which proxy a request goes through: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (lower-case names
 * too, and they win), read at each request so a test or a long-running reader sees the current values.
 *
 * NO_PROXY means what it says and nothing more: a loopback host is proxied unless NO_PROXY names it
 * (`localhost,127.0.0.1`). Some tools bypass loopback silently; here a local feed server behind no proxy
 * is one NO_PROXY entry away, and a proxy that must see every request does.
 */
import { getProxyForUrl } from 'proxy-from-env';
import { FetchError } from './errors.js';

/** The proxy for `target`, or null for a direct connection. */
export function proxyFor(target: URL): URL | null {
  const setting = getProxyForUrl(target);
  if (!setting) return null;
  let proxy: URL;
  try {
    proxy = new URL(setting);
  } catch {
    // The setting itself may hold a password: never echo it.
    throw new FetchError('unsupported-url', `the ${target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} setting is not a valid proxy URL`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new FetchError('unsupported-url', `proxy ${proxyName(proxy)}: only http:// and https:// proxies are supported`);
  }
  return proxy;
}

/** A proxy as it may be printed: scheme, host and port, never the user and password it may carry. */
export function proxyName(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
