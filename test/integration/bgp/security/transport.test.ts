// The socket-option adapter and the connector on loopback, without any daemon: keys and TTLs are
// really on the sockets (read back from the kernel), a wrong key never connects, and an option
// the kernel refuses fails the connection instead of connecting without it.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import net from 'node:net';
import { connectSecured, secureAccepted } from '../../../../src/bgp/session/transport.js';
import { readTtlOptions, setMd5Key, setTtl, socketFamily, socketFd } from '../../../../src/bgp/security/sockopt.js';
import { BgpListener } from '../../../../src/bgp/speaker/listener.js';
import { silentLogger } from '../../../../src/util/log.js';

jest.setTimeout(30_000);

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function server(host: string, onConn: (s: net.Socket) => void = () => {}): Promise<{ srv: net.Server; port: number }> {
  const srv = net.createServer((s) => { s.on('error', () => {}); sockets.push(s); onConn(s); });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen({ host, port: 0 }, () => r()));
  return { srv, port: (srv.address() as net.AddressInfo).port };
}

/** Resolves 'connected' or the error message, or 'timeout' (an MD5 mismatch is silence: SYNs dropped). */
function outcome(sock: net.Socket, ms: number): Promise<string> {
  sockets.push(sock);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    sock.once('connect', () => { clearTimeout(t); resolve('connected'); });
    sock.once('error', (e) => { clearTimeout(t); resolve(e.message); });
  });
}

describe.each([['IPv4', '127.0.0.1'], ['IPv6', '::1']])('%s loopback', (_name, host) => {
  test('MD5: the right key connects, a wrong or missing key does not', async () => {
    const { srv, port } = await server(host);
    const fd = socketFd(srv);
    setMd5Key(fd, socketFamily(fd), host, 'k1');
    expect(await outcome(connectSecured({ host, port, password: 'k1' }), 3000)).toBe('connected');
    expect(await outcome(connectSecured({ host, port, password: 'k2' }), 1500)).toBe('timeout');
    expect(await outcome(connectSecured({ host, port }), 1500)).toBe('timeout');
    // Removing the key from the listener lets unsigned connections in again.
    setMd5Key(fd, socketFamily(fd), host, undefined);
    expect(await outcome(connectSecured({ host, port }), 3000)).toBe('connected');
  });

  test('TTL and minimum TTL are on the connecting and the accepted socket', async () => {
    let accepted: net.Socket | undefined;
    const { srv, port } = await server(host, (s) => { accepted = s; secureAccepted(s, { ttl: 255, minTtl: 254 }); });
    // The SYN-ACK leaves with the listener's TTL: without 255 there, our minimum drops it (which is
    // why BgpListener sets IP_TTL 255 once any of its peers uses GTSM).
    const lfd = socketFd(srv);
    expect(await outcome(connectSecured({ host, port, ttl: 255, minTtl: 254 }), 1500)).toBe('timeout');
    setTtl(lfd, socketFamily(lfd), 255);
    const sock = connectSecured({ host, port, ttl: 255, minTtl: 254 });
    expect(await outcome(sock, 3000)).toBe('connected');
    const fd = socketFd(sock);
    expect(readTtlOptions(fd, socketFamily(fd))).toEqual({ ttl: 255, minTtl: 254 });
    const a = await new Promise<net.Socket>((r) => { const i = setInterval(() => { if (accepted) { clearInterval(i); r(accepted); } }, 10); });
    const afd = socketFd(a);
    expect(readTtlOptions(afd, socketFamily(afd))).toEqual({ ttl: 255, minTtl: 254 });
  });

  test('an option the kernel refuses fails the connect instead of connecting without it', async () => {
    let connections = 0;
    const { port } = await server(host, () => { connections++; });
    const msg = await outcome(connectSecured({ host, port, ttl: 0 }), 3000);
    expect(msg).toMatch(/IP(V6_UNICAST_HOPS|_TTL) failed: errno 22/);
    await new Promise((r) => setTimeout(r, 200));
    expect(connections).toBe(0);
  });
});

describe('BgpListener.applySecurity on loopback', () => {
  test('keys and TTLs follow the peer list; only changes are applied', async () => {
    const dispatched: string[] = [];
    const l = new BgpListener({ address: '127.0.0.1', port: 0, log: silentLogger, dispatch: (remote, s) => { dispatched.push(remote); sockets.push(s); return true; } });
    const { port } = await l.listen();
    const fd = socketFd((l as unknown as { server: net.Server }).server);
    try {
      l.applySecurity([{ address: '127.0.0.1', password: 'k', ttlSecurity: true }]);
      expect(readTtlOptions(fd, 4)).toEqual({ ttl: 255, minTtl: 254 });
      expect(await outcome(connectSecured({ host: '127.0.0.1', port }), 1500)).toBe('timeout'); // no key
      expect(await outcome(connectSecured({ host: '127.0.0.1', port, password: 'k' }), 1500)).toBe('timeout'); // TTL 64 < 254
      expect(await outcome(connectSecured({ host: '127.0.0.1', port, password: 'k', ttl: 255 }), 3000)).toBe('connected');
      // A non-GTSM peer on the listener: the minimum moves to accepted sockets, TTL 255 stays.
      l.applySecurity([{ address: '127.0.0.1', password: 'k', ttlSecurity: true }, { address: '192.0.2.1' }]);
      expect(readTtlOptions(fd, 4)).toEqual({ ttl: 255, minTtl: 0 });
      // No GTSM peer, no key: back to the system default TTL and unsigned connections.
      l.applySecurity([{ address: '127.0.0.1' }]);
      expect(readTtlOptions(fd, 4).minTtl).toBe(0);
      expect(readTtlOptions(fd, 4).ttl).toBe(64);
      expect(await outcome(connectSecured({ host: '127.0.0.1', port }), 3000)).toBe('connected');
      expect(dispatched).toEqual(['127.0.0.1', '127.0.0.1']);
    } finally {
      for (const s of sockets.splice(0)) s.destroy(); // server.close() waits for its connections
      await l.close();
    }
  });
});
