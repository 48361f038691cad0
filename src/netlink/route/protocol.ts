// podroute's route protocol number (rtm_protocol), the mark of "our" routes in the kernel FIB.
//
// 196 is free in iproute2's /etc/iproute2/rt_protos (which lists 0-18, 42 babel, 99 openr,
// 186 bgp, 187 isis, 188 ospf, 189 rip, 192 eigrp) and is not used by bird (12), zebra/FRR (11,
// 186-192), the kernel (2), boot (3) or static (4). We deliberately do not reuse 186 ("bgp"):
// FRR installs its own BGP routes with 186, and sharing it would make FRR's routes look like ours.
// Configurable because another local program might have picked 196 too. See docs/kernel-routes.md.

export const PODROUTE_RTPROT_DEFAULT = 196;

/** Validates a configured protocol number: 1 byte, and not one of the kernel's own or well-known ones. */
export function checkRouteProtocol(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new RangeError(`route protocol ${n} outside 1..255`);
  const reserved = new Map([
    [1, 'redirect'],
    [2, 'kernel'],
    [3, 'boot'],
    [4, 'static'],
    [11, 'zebra'],
    [12, 'bird'],
    [186, 'bgp (FRR)'],
    [187, 'isis'],
    [188, 'ospf'],
    [189, 'rip'],
    [192, 'eigrp'],
  ]);
  const who = reserved.get(n);
  if (who) throw new RangeError(`route protocol ${n} belongs to ${who}; pick a free one such as ${PODROUTE_RTPROT_DEFAULT}`);
  return n;
}
