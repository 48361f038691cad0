// The passive side: one TCP server per listen address that hands each inbound connection to the
// session of the peer it comes from. Connections from unconfigured addresses are closed at once,
// before any BGP byte is read (RFC 4271 §8: only configured peers get an FSM).
import net from 'node:net';
import type { Logger } from '../../util/log.js';
import { canonicalAddress } from './peer-config.js';

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

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }
}
