// Stable string keys for IPVS identities, used as Map keys by the controller and for ownership.

import type { IpvsDestination, ServiceId } from './types.js';

/** "tcp/10.96.0.10/80", "udp/[fd00::a]/53" or "fwmark4/123". Addresses must be canonical. */
export function serviceIdKey(id: ServiceId): string {
  if (id.fwmark !== undefined) return `fwmark${id.family}/${id.fwmark}`;
  return `${id.protocol}/${id.family === 6 ? `[${id.address}]` : id.address}/${id.port}`;
}

export function destKey(d: Pick<IpvsDestination, 'address' | 'port'>): string {
  return `${d.address.includes(':') ? `[${d.address}]` : d.address}:${d.port}`;
}
