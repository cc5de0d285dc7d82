/**
 * A small forward proxy on 127.0.0.1 (port 0) for the proxy tests: absolute-URI GETs are forwarded
 * (http targets), CONNECT opens a tunnel (https targets, or anything else the client tunnels), and every
 * request is recorded with the host it asked for and the Proxy-Authorization it carried. It can require
 * Basic credentials (407 otherwise) and refuse tunnels to chosen hosts.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyRequest {
  method: 'GET' | 'CONNECT';
  /** host:port for CONNECT; the absolute URI's host (with its port, when it has one) for a GET. */
  host: string;
  /** The absolute URI of a GET; undefined for CONNECT. */
  url?: string;
  proxyAuthorization?: string;
}

export interface ProxyOptions {
  /** "user:password" the proxy demands; without it, anyone may use it. */
  credentials?: string;
  /** CONNECT to these host:port targets is answered with this status instead of a tunnel. */
  refuseTunnel?: { hosts: string[]; status: number };
}

export interface TestProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: ProxyRequest[];
  /** The hosts asked for, in order (GET and CONNECT alike). */
  hosts(): string[];
  /** TCP connections the clients opened to the proxy (keep-alive reuse keeps this low). */
  connections(): number;
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const requests: ProxyRequest[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(options.credentials).toString('base64')}`;

  const authorized = (header: string | undefined): boolean => expected === undefined || header === expected;

  const server = http.createServer((req, res) => {
    const target = URL.canParse(req.url ?? '') ? new URL(req.url ?? '') : null;
    const proxyAuthorization = req.headers['proxy-authorization'];
    requests.push({ method: 'GET', host: target?.host ?? '', url: req.url ?? '', ...(proxyAuthorization ? { proxyAuthorization } : {}) });
    if (target === null || target.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute http URI expected');
      return;
    }
    if (!authorized(proxyAuthorization)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', 'content-length': 0 }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(target, { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502, { 'content-length': 0 }).end());
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const host = req.url ?? '';
    const proxyAuthorization = req.headers['proxy-authorization'];
    requests.push({ method: 'CONNECT', host, ...(proxyAuthorization ? { proxyAuthorization } : {}) });
    if (!authorized(proxyAuthorization)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (options.refuseTunnel?.hosts.includes(host)) {
      client.end(`HTTP/1.1 ${options.refuseTunnel.status} ${http.STATUS_CODES[options.refuseTunnel.status]}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [name, port] = [host.slice(0, host.lastIndexOf(':')), Number(host.slice(host.lastIndexOf(':') + 1))];
    const upstream = net.connect(port, name.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    client.on('error', () => upstream.destroy());
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
  });

  server.on('connection', (socket: net.Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hosts: () => requests.map((r) => r.host),
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
