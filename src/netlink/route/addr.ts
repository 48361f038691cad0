// RTM_GETADDR / RTM_NEWADDR decoding: the connected subnets of each interface. A gateway is
// directly reachable when it lies in one of them on an interface that is up.

import { attrU32, parseAttributes } from '../attributes.js';
import type { NetlinkMessage } from '../message.js';
import type { NetlinkWriter } from '../writer.js';
import { bytesToAddress } from './address.js';
import { IFADDRMSG_LEN, IFA_ADDRESS, IFA_F_DADFAILED, IFA_F_TENTATIVE, IFA_FLAGS, IFA_LOCAL } from './constants.js';

export interface InterfaceAddress {
  family: number;
  ifindex: number;
  /** The interface's own address (IFA_LOCAL, else IFA_ADDRESS). */
  address: string;
  prefixLen: number;
  /** IFA_ADDRESS bytes (the peer on point-to-point links, else equal to local). */
  network: Uint8Array;
  flags: number;
  scope: number;
  /** Not usable yet (IPv6 DAD in progress or failed). */
  tentative: boolean;
}

export function writeAddrDumpRequest(w: NetlinkWriter, family: number): void {
  w.u8(family).zeros(IFADDRMSG_LEN - 1);
}

export function parseAddr(msg: NetlinkMessage): InterfaceAddress | undefined {
  const p = msg.payload;
  if (p.length < IFADDRMSG_LEN) return undefined;
  const a = parseAttributes(p, IFADDRMSG_LEN);
  const local = a.get(IFA_LOCAL) ?? a.get(IFA_ADDRESS);
  const network = a.get(IFA_ADDRESS) ?? local;
  if (!local || !network) return undefined;
  const flags = attrU32(a.get(IFA_FLAGS)) ?? p[2];
  return {
    family: p[0],
    prefixLen: p[1],
    flags,
    scope: p[3],
    ifindex: p.readUInt32LE(4),
    address: bytesToAddress(local),
    network: Uint8Array.from(network),
    tentative: (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) !== 0,
  };
}
