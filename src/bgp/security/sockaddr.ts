// struct sockaddr_in / sockaddr_in6 bytes, as the kernel reads them from socket options that name a
// peer (TCP_MD5SIG). Pure: address text in, bytes out.
import { isIP } from 'node:net';
import { parseIpv4, parseIpv6 } from '../wire/address.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCKADDR_IN_LEN = 16;
export const SOCKADDR_IN6_LEN = 28;

/**
 * The peer address in the family of the socket it is given to. An IPv4 peer on an IPv6
 * (dual-stack) socket is written as ::ffff:a.b.c.d — the kernel turns that back into an IPv4 key,
 * and it is the only form an AF_INET6 socket accepts. An IPv6 peer cannot talk to an IPv4 socket:
 * that is an error the caller must avoid.
 */
export function encodeSockaddr(address: string, socketFamily: 4 | 6, port = 0): Buffer {
  const fam = isIP(address);
  if (fam === 0) throw new Error(`not an IP address: ${address}`);
  if (socketFamily === 4) {
    if (fam !== 4) throw new Error(`IPv6 address ${address} on an IPv4 socket`);
    const b = Buffer.alloc(SOCKADDR_IN_LEN);
    b.writeUInt16LE(AF_INET, 0); // sa_family is host order (x86_64/arm64: little endian)
    b.writeUInt16BE(port, 2);
    b.set(parseIpv4(address), 4);
    return b;
  }
  const b = Buffer.alloc(SOCKADDR_IN6_LEN);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  // sin6_flowinfo (4..8) stays 0; sin6_addr at 8; sin6_scope_id (24..28) stays 0.
  if (fam === 4) {
    b[18] = 0xff;
    b[19] = 0xff;
    b.set(parseIpv4(address), 20);
  } else {
    b.set(parseIpv6(address), 8);
  }
  return b;
}
