// podroute's route protocol number (rtm_protocol), the mark of "our" routes in the kernel FIB.
//
// 201, because every lower candidate is someone's: iproute2's /etc/iproute2/rt_protos lists 0-18,
// 42 babel, 99 openr, 186 bgp, 187 isis, 188 ospf, 189 rip, 192 eigrp; FRR's rt_protos.d/frr.conf
// claims 186-197 (196 is FRR's "static", so the often-suggested 196 would make FRR static routes
// look like ours), and newer FRR adds 198 (srte). bird uses 12, zebra 11, the kernel 2, boot 3,
// static 4. We do not reuse 186 ("bgp") either: FRR's BGP routes carry it.
// Configurable because another local program might have picked 201 too. See docs/kernel-routes.md.

export const PODROUTE_RTPROT_DEFAULT = 201;

const RESERVED = new Map<number, string>([
  [1, 'redirect'],
  [2, 'kernel'],
  [3, 'boot'],
  [4, 'static'],
  [8, 'gated'],
  [9, 'ra'],
  [10, 'mrt'],
  [11, 'zebra'],
  [12, 'bird'],
  [13, 'dnrouted'],
  [14, 'xorp'],
  [15, 'ntk'],
  [16, 'dhcp'],
  [18, 'keepalived'],
  [42, 'babel'],
  [99, 'openr'],
  [186, 'bgp (FRR)'],
  [187, 'isis (FRR)'],
  [188, 'ospf (FRR)'],
  [189, 'rip (FRR)'],
  [190, 'ripng (FRR)'],
  [191, 'nhrp (FRR)'],
  [192, 'eigrp (FRR)'],
  [193, 'ldp (FRR)'],
  [194, 'sharp (FRR)'],
  [195, 'pbr (FRR)'],
  [196, 'static (FRR)'],
  [197, 'openfabric (FRR)'],
  [198, 'srte (FRR)'],
]);

/** Validates a configured protocol number: 1 byte, and not the kernel's or a well-known daemon's. */
export function checkRouteProtocol(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new RangeError(`route protocol ${n} outside 1..255`);
  const who = RESERVED.get(n);
  if (who) throw new RangeError(`route protocol ${n} belongs to ${who}; pick a free one such as ${PODROUTE_RTPROT_DEFAULT}`);
  return n;
}
