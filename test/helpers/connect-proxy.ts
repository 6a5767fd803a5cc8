import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** Every CONNECT target asked for, `host:port`, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * A forward proxy that only tunnels (HTTP CONNECT, RFC 9110 §9.3.6), as corporate proxies for HTTPS do. Names resolve
 * through `hosts` (the test's own DNS), so a client that bypassed the proxy could not even find the host. Anything but
 * CONNECT is answered 405.
 */
export async function startConnectProxy(hosts: Readonly<Record<string, string>>): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    response.writeHead(405, { 'content-type': 'text/plain' }).end('this proxy only tunnels (CONNECT)');
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    sockets.add(client);
    const target = request.url ?? '';
    tunnels.push(target);
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon);
    const address = hosts[host];
    if (address === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(Number(target.slice(colon + 1)), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
