// The thin shell (RFC 5881): UDP sockets for single-hop BFD. One receiving socket per local
// address and family on port 3784, shared by the sessions on it; one sending socket per session,
// bound to a source port from 49152–65535 (the same for the session's life) and sending with
// TTL / hop limit 255. Received packets with TTL < 255 never reach us: the kernel drops them
// with the socket filter from ttl-filter.ts (IP_MINTTL does not apply to UDP on Linux).
import dgram from 'node:dgram';
import koffi from 'koffi';
import { encodeBpf, ttlFilterProgram } from './ttl-filter.js';

export const BFD_CONTROL_PORT = 3784;
export const SOURCE_PORT_MIN = 49152;
export const SOURCE_PORT_MAX = 65535;
export const BFD_TTL = 255;

const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;

type AttachFilter = (fd: number, level: number, name: number, prog: { len: number; filter: Buffer }, len: number) => number;
let attachFilterFn: AttachFilter | undefined;

function attachFilter(): AttachFilter {
  if (attachFilterFn) return attachFilterFn;
  const lib = koffi.load('libc.so.6');
  const fprog = koffi.struct('podroute_sock_fprog', { len: 'uint16_t', filter: 'void *' });
  attachFilterFn = lib.func('setsockopt', 'int', ['int', 'int', 'int', koffi.pointer(fprog), 'uint32_t']) as AttachFilter;
  return attachFilterFn;
}

function dgramFd(s: dgram.Socket): number {
  const fd = (s as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('BFD: no fd behind the UDP socket');
  return fd;
}

/** Makes the kernel drop every packet on this socket whose TTL / hop limit is below `minTtl`. */
export function requireTtl(s: dgram.Socket, family: 4 | 6, minTtl = BFD_TTL): void {
  const prog = ttlFilterProgram(family, minTtl);
  if (attachFilter()(dgramFd(s), SOL_SOCKET, SO_ATTACH_FILTER, { len: prog.length, filter: encodeBpf(prog) }, 16) !== 0) {
    throw new Error(`BFD: SO_ATTACH_FILTER failed: errno ${koffi.errno()}`);
  }
}

function bind(s: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    s.once('error', onError);
    s.bind({ port, address, exclusive: true }, () => {
      s.off('error', onError);
      resolve();
    });
  });
}

function wildcard(family: 4 | 6): string {
  return family === 4 ? '0.0.0.0' : '::';
}

/** Receives Control packets for every session on one local address (or the family's wildcard). */
export class BfdReceiver {
  private constructor(private readonly sock: dgram.Socket, readonly family: 4 | 6, readonly local: string) {}

  static async open(family: 4 | 6, local: string | undefined, onPacket: (buf: Buffer, from: string) => void, port = BFD_CONTROL_PORT): Promise<BfdReceiver> {
    // reuseAddr: a wildcard receiver and one on a specific address may coexist (the kernel picks
    // the most specific); v6Only keeps IPv4 off the IPv6 wildcard socket.
    const s = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', reuseAddr: true, ipv6Only: family === 6 });
    const addr = local ?? wildcard(family);
    await bind(s, port, addr);
    try {
      requireTtl(s, family);
    } catch (err) {
      s.close();
      throw err;
    }
    s.on('message', (msg, rinfo) => onPacket(msg, rinfo.address));
    s.on('error', () => { /* UDP receive errors (ICMP) carry no session news */ });
    return new BfdReceiver(s, family, addr);
  }

  get port(): number {
    return this.sock.address().port;
  }

  close(): void {
    try { this.sock.close(); } catch { /* already closed */ }
  }
}

/** One session's sending socket: fixed source port from 49152–65535, TTL 255. */
export class BfdSender {
  private constructor(private readonly sock: dgram.Socket, readonly peer: string, readonly port: number) {}

  static async open(family: 4 | 6, local: string | undefined, peer: string, peerPort = BFD_CONTROL_PORT, random = Math.random): Promise<BfdSender> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < 64; attempt++) {
      const port = SOURCE_PORT_MIN + Math.floor(random() * (SOURCE_PORT_MAX - SOURCE_PORT_MIN + 1));
      const s = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 });
      s.on('error', () => { /* ICMP unreachable while the peer is not listening yet */ });
      try {
        await bind(s, port, local ?? wildcard(family));
      } catch (err) {
        lastErr = err;
        s.close();
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
        throw err;
      }
      s.setTTL(BFD_TTL); // IP_TTL, or IPV6_UNICAST_HOPS on udp6
      return new BfdSender(s, peer, peerPort);
    }
    throw lastErr instanceof Error ? lastErr : new Error('BFD: no free source port');
  }

  get sourcePort(): number {
    return this.sock.address().port;
  }

  private pending = 0;
  private closing = false;

  send(packet: Buffer): void {
    if (this.closing) return;
    this.pending++;
    // Errors (EHOSTUNREACH, ENETDOWN) mean the path is down: BFD finds that out by itself.
    this.sock.send(packet, this.port, this.peer, () => {
      if (--this.pending === 0 && this.closing) this.closeNow();
    });
  }

  /** Closes once what was sent has left (the last AdminDown packet must not be lost). */
  close(): void {
    this.closing = true;
    if (this.pending === 0) this.closeNow();
  }

  private closeNow(): void {
    try { this.sock.close(); } catch { /* already closed */ }
  }
}
