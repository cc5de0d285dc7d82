/**
 * The keep-alive connection pool: one agent per protocol, shared by the whole process, that the CLI can
 * close to exit promptly.
 */
import http from 'node:http';
import https from 'node:https';

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

let agents: { http: http.Agent; https: https.Agent } | null = null;

export function agentFor(protocol: string): http.Agent {
  if (agents === null) {
    const options: http.AgentOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_HOST,
      maxFreeSockets: 16,
      timeout: FREE_SOCKET_TIMEOUT_MS,
      scheduling: 'lifo',
    };
    agents = { http: new http.Agent(options), https: new https.Agent(options) };
  }
  return protocol === 'https:' ? agents.https : agents.http;
}

/**
 * Close every pooled socket. Idle keep-alive sockets are unref'd by Node and do not keep the process
 * alive, but closing them lets the CLI exit at once and tests end cleanly. Agents are recreated on the
 * next fetch, so calling this between refreshes is harmless.
 */
export function closeAgents(): void {
  agents?.http.destroy();
  agents?.https.destroy();
  agents = null;
}
