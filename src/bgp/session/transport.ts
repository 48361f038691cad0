// TCP for BGP with the options Node has no API for: the RFC 2385 MD5 key and the IP TTL pair of
// GTSM / eBGP (RFC 5082). Outbound, the options must be on the socket before the SYN leaves:
// Node 20 binds the socket (which creates the fd) and emits 'connectionAttempt' just before
// connect(), so that is where they are set. Binding needs a local address, hence the wildcard when
// none is configured (without a bind libuv creates the fd lazily, inside connect).
import net, { isIP } from 'node:net';
import { ttlSettings, type TtlSettings } from '../security/ttl-policy.js';
import { readTtlOptions, setMd5Key, setMinTtl, setTtl, socketFamily, socketFd } from '../security/sockopt.js';
import type { ConnectParams, SessionConfig } from './types.js';

/** What a session's TCP connections carry besides addresses and ports. */
export interface TransportSecurity extends TtlSettings {
  /** RFC 2385 key; undefined for none. */
  password?: string;
}

/** The security settings a session config implies (eBGP TTL 1 unless multihop or GTSM). */
export function transportSecurity(cfg: SessionConfig): TransportSecurity {
  const t = ttlSettings({ ebgp: cfg.peerAsn !== cfg.localAsn, ttlSecurity: cfg.ttlSecurity, ebgpMultihop: cfg.ebgpMultihop });
  return cfg.password !== undefined ? { ...t, password: cfg.password } : t;
}

const UV_EINVAL = -22;

/** The session's default connector: net.connect, plus the security options when there are any. */
export function connectSecured(c: ConnectParams): net.Socket {
  if (c.password === undefined && c.ttl === undefined && c.minTtl === undefined) {
    return net.connect({ host: c.host, port: c.port, localAddress: c.localAddress });
  }
  const family = isIP(c.host) === 6 ? 6 : 4;
  const sock = new net.Socket();
  sock.once('connectionAttempt', () => {
    try {
      const fd = socketFd(sock);
      if (fd < 0) throw new Error('the socket has no fd before connect');
      if (c.password !== undefined) setMd5Key(fd, family, c.host, c.password);
      if (c.ttl !== undefined) setTtl(fd, family, c.ttl);
      if (c.minTtl !== undefined) setMinTtl(fd, family, c.minTtl);
    } catch (err) {
      refuseConnect(sock, err as Error);
    }
  });
  sock.connect({ host: c.host, port: c.port, localAddress: c.localAddress ?? (family === 6 ? '::' : '0.0.0.0') });
  return sock;
}

/**
 * Fail closed: a connection whose key or TTL could not be set must not be attempted without them.
 * We are inside Node's connect sequence (on a nextTick, so throwing would crash the process);
 * making the handle's connect report EINVAL lets Node destroy the socket with an 'error' event,
 * which the session treats like any failed connect.
 */
function refuseConnect(sock: net.Socket, why: Error): void {
  const h = (sock as unknown as { _handle?: Record<string, unknown> | null })._handle;
  sock.prependOnceListener('error', (e: Error) => {
    e.message = `${why.message} (${e.message})`;
  });
  if (h) {
    h.connect = () => UV_EINVAL;
    h.connect6 = () => UV_EINVAL;
  } else {
    sock.destroy(why);
  }
}

/**
 * TTL and minimum TTL on an accepted connection. The MD5 key needs nothing here: the kernel copies
 * the listener's keys to every connection it accepts. Throws when an option cannot be set; the
 * caller must then close the connection (GTSM would otherwise silently not apply).
 */
export function secureAccepted(sock: net.Socket, t: TtlSettings): void {
  if (t.ttl === undefined && t.minTtl === undefined) return;
  const fd = socketFd(sock);
  if (fd < 0) throw new Error('accepted socket has no fd');
  const family = socketFamily(fd);
  if (t.ttl !== undefined) setTtl(fd, family, t.ttl);
  if (t.minTtl !== undefined) {
    setMinTtl(fd, family, t.minTtl);
    // GTSM on an accepted socket is the only protection when the listener serves non-GTSM peers
    // too: read it back rather than trust that the kernel kept it.
    const got = readTtlOptions(fd, family).minTtl;
    if (got !== t.minTtl) throw new Error(`minimum TTL reads back as ${got}, not ${t.minTtl}`);
  }
}
