// The thin shell: socket options Node cannot set, applied with koffi through the shared libc
// bindings. Everything here is a syscall on an fd; what to set comes from the pure modules.
import type net from 'node:net';
import { libc } from '../../netlink/libc.js';
import { encodeMd5sig, IPPROTO_TCP, TCP_MD5SIG } from './md5sig.js';
import { AF_INET, AF_INET6 } from './sockaddr.js';

const IPPROTO_IP = 0;
const IPPROTO_IPV6 = 41;
const IP_TTL = 2;
const IP_MINTTL = 21;
const IPV6_UNICAST_HOPS = 16;
const IPV6_MINHOPCOUNT = 73;

export class SockoptError extends Error {
  constructor(what: string, readonly errno: number) {
    super(`${what} failed: errno ${errno}`);
    this.name = 'SockoptError';
  }
}

/**
 * The kernel fd behind a net.Socket or net.Server. Node keeps it on the internal libuv handle;
 * -1 when there is none yet (libuv creates an outbound socket only at bind/connect) or any more.
 */
export function socketFd(s: net.Socket | net.Server): number {
  const fd = (s as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}

/** The address family of the socket behind fd (from getsockname). */
export function socketFamily(fd: number): 4 | 6 {
  const addr = Buffer.alloc(128);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(addr.length);
  if (libc().getsockname(fd, addr, len) !== 0) throw new SockoptError('getsockname', libc().errno());
  const fam = addr.readUInt16LE(0);
  if (fam === AF_INET) return 4;
  if (fam === AF_INET6) return 6;
  throw new Error(`fd ${fd} is not an IP socket (family ${fam})`);
}

function setOpt(fd: number, level: number, name: number, value: Buffer, what: string): void {
  if (libc().setsockopt(fd, level, name, value, value.length) !== 0) throw new SockoptError(what, libc().errno());
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

export function getIntOpt(fd: number, level: number, name: number): number {
  const v = Buffer.alloc(4);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(4);
  if (libc().getsockopt(fd, level, name, v, len) !== 0) throw new SockoptError(`getsockopt(${level}, ${name})`, libc().errno());
  return v.readInt32LE(0);
}

/** Installs (or with undefined, removes) the RFC 2385 key for one peer on a socket. */
export function setMd5Key(fd: number, family: 4 | 6, peer: string, password: string | undefined): void {
  setOpt(fd, IPPROTO_TCP, TCP_MD5SIG, encodeMd5sig(peer, family, password), `TCP_MD5SIG for ${peer}`);
}

// On an IPv6 socket both the IPv6 and the IPv4 option are set: a dual-stack socket carries IPv4
// peers as ::ffff:a.b.c.d, and the kernel applies the IPv4 option (inet->uc_ttl, inet->min_ttl) to
// their packets.

/** IP_TTL (and IPV6_UNICAST_HOPS on an IPv6 socket): the TTL our packets leave with. */
export function setTtl(fd: number, family: 4 | 6, ttl: number): void {
  if (family === 6) setOpt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, int32(ttl), 'IPV6_UNICAST_HOPS');
  setOpt(fd, IPPROTO_IP, IP_TTL, int32(ttl), 'IP_TTL');
}

/** IP_MINTTL (and IPV6_MINHOPCOUNT): the kernel drops the peer's packets below this TTL; 0 turns it off. */
export function setMinTtl(fd: number, family: 4 | 6, minTtl: number): void {
  if (family === 6) setOpt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, int32(minTtl), 'IPV6_MINHOPCOUNT');
  setOpt(fd, IPPROTO_IP, IP_MINTTL, int32(minTtl), 'IP_MINTTL');
}

/** Reads back what setTtl/setMinTtl set, for status and tests. */
export function readTtlOptions(fd: number, family: 4 | 6): { ttl: number; minTtl: number } {
  return family === 6
    ? { ttl: getIntOpt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS), minTtl: getIntOpt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT) }
    : { ttl: getIntOpt(fd, IPPROTO_IP, IP_TTL), minTtl: getIntOpt(fd, IPPROTO_IP, IP_MINTTL) };
}
