/**
 * The keep-alive connection pool: one agent per protocol for direct connections, and one per protocol
 * and proxy for proxied ones (absolute-URI requests for http:, CONNECT tunnels for https:), all shared
 * by the whole process, that the CLI can close to exit promptly.
 */
import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

/**
 * Idle keep-alive sockets are closed after this long. Below the 5 s keep-alive timeout of Node and Apache
 * servers, so we rarely reuse a socket the server is closing at that instant (and when we do, the request
 * is retried once on a fresh socket: see sendRequest in request.ts).
 */
const FREE_SOCKET_TIMEOUT_MS = 4000;
/**
 * The refresh engine already limits requests per host (fetch.perHost, polite by default); the pool
 * must not add a second, hidden limit below it. This only bounds a runaway caller.
 */
const MAX_SOCKETS_PER_HOST = 64;

const OPTIONS: http.AgentOptions = {
  keepAlive: true,
  maxSockets: MAX_SOCKETS_PER_HOST,
  maxFreeSockets: 16,
  timeout: FREE_SOCKET_TIMEOUT_MS,
  scheduling: 'lifo',
};

/** Keyed by the target's protocol, plus the proxy's URL (credentials included: they are its identity). */
const agents = new Map<string, http.Agent>();

/** The agent for a request to a `protocol` URL, directly (`proxy` null) or through `proxy`. */
export function agentFor(protocol: string, proxy: URL | null = null): http.Agent {
  const secure = protocol === 'https:';
  const key = `${secure ? 'https:' : 'http:'} ${proxy?.href ?? 'direct'}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    if (proxy === null) agent = secure ? new https.Agent(OPTIONS) : new http.Agent(OPTIONS);
    else agent = secure ? new HttpsProxyAgent(proxy, OPTIONS) : new HttpProxyAgent(proxy, OPTIONS);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Close every pooled socket. Idle keep-alive sockets are unref'd by Node and do not keep the process
 * alive, but closing them lets the CLI exit at once and tests end cleanly. Agents are recreated on the
 * next fetch, so calling this between refreshes is harmless.
 */
export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
