// A local TCP port that forwards to a unix socket. Agents in other network namespaces serve their
// status API on a unix socket (sockets in the filesystem cross namespaces); a browser or curl in
// the root namespace reaches them through this, on loopback only.
import { connect, createServer, type AddressInfo, type Server } from 'node:net';

export interface Forwarder {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function forwardTcpToUnix(socketPath: string, port = 0): Promise<Forwarder> {
  const server: Server = createServer((c) => {
    const up = connect(socketPath);
    c.pipe(up).pipe(c);
    const end = (): void => {
      c.destroy();
      up.destroy();
    };
    c.on('error', end);
    up.on('error', end);
    c.on('close', end);
    up.on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${p}/`,
    port: p,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
