// The passive side: one TCP server per listen address that hands each inbound connection to the
// session of the peer it comes from. Connections from unconfigured addresses are closed at once,
// before any BGP byte is read (RFC 4271 §8: only configured peers get an FSM).
import net from 'node:net';
import type { Logger } from '../../util/log.js';
import { canonicalAddress } from './peer-config.js';
import { listenerSecurity, type ListenerPeer } from './listener-security.js';
import { setMd5Key, setMinTtl, setTtl, socketFamily, socketFd } from '../security/sockopt.js';

export interface ListenerOptions {
  address: string;
  port: number;
  log: Logger;
  /** Returns false when no peer is configured for this address; the socket is then destroyed. */
  dispatch(remote: string, sock: net.Socket): boolean;
}

export class BgpListener {
  private server?: net.Server;
  rejected = 0;
  /** Keys, TTL and minimum TTL currently on the listening socket. */
  private keys = new Map<string, string>();
  private ttl = -1;
  private minTtl = 0;
  constructor(private readonly opts: ListenerOptions) {}

  listen(): Promise<{ address: string; port: number }> {
    const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.onConnection(sock));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.address, port: this.opts.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.log.error('listener error', { err }));
        const a = server.address() as net.AddressInfo;
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  private onConnection(sock: net.Socket): void {
    sock.on('error', () => {}); // a reset before dispatch must not crash the process
    const remote = canonicalAddress(sock.remoteAddress ?? '');
    if (!this.opts.dispatch(remote, sock)) {
      this.rejected++;
      this.opts.log.warn('connection from unconfigured address refused', { remote });
      sock.destroy();
    }
  }

  /**
   * Makes the listening socket's MD5 keys and TTLs match `peers`, touching only what changed.
   * A key that cannot be set is logged and its peer simply cannot connect in (its SYNs are
   * dropped by the kernel); it never affects another peer.
   */
  applySecurity(peers: readonly ListenerPeer[]): void {
    const server = this.server;
    if (!server) return;
    const fd = socketFd(server);
    if (fd < 0) return;
    let family: 4 | 6;
    try {
      family = socketFamily(fd);
    } catch (err) {
      this.opts.log.error('listener: cannot read the socket family', { err });
      return;
    }
    const want = listenerSecurity(family, peers.map((p) => ({ ...p, address: canonicalAddress(p.address) })));
    for (const addr of this.keys.keys()) {
      if (want.keys.has(addr)) continue;
      this.keys.delete(addr);
      this.apply(`remove TCP MD5 key of ${addr}`, () => setMd5Key(fd, family, addr, undefined));
    }
    for (const [addr, key] of want.keys) {
      if (this.keys.get(addr) === key) continue;
      if (this.apply(`set TCP MD5 key of ${addr}`, () => setMd5Key(fd, family, addr, key))) this.keys.set(addr, key);
      else this.keys.delete(addr);
    }
    if (want.ttl !== this.ttl && this.apply('set IP_TTL', () => setTtl(fd, family, want.ttl))) this.ttl = want.ttl;
    if (want.minTtl !== this.minTtl && this.apply('set IP_MINTTL', () => setMinTtl(fd, family, want.minTtl))) this.minTtl = want.minTtl;
  }

  private apply(what: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      this.opts.log.error(`listener: cannot ${what}`, { address: this.opts.address, err: (err as Error).message });
      return false;
    }
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
