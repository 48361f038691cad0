// BGP Identifiers are IPv4-address-shaped 32-bit numbers (RFC 4271 §4.2, RFC 6286).
import { isIPv4 } from 'node:net';

export function isValidRouterId(id: string): boolean {
  return isIPv4(id) && id !== '0.0.0.0';
}

export function ipv4ToUint32(id: string): number {
  const p = id.split('.');
  return (((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3]) >>> 0;
}
