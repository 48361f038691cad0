// RTM_GETLINK / RTM_NEWLINK decoding: which interfaces exist and whether they can carry traffic.

import { attrString, attrU32, attrU8, parseAttributes } from '../attributes.js';
import type { NetlinkMessage } from '../message.js';
import type { NetlinkWriter } from '../writer.js';
import { IFF_LOWER_UP, IFF_UP, IFINFOMSG_LEN, IFLA_IFNAME, IFLA_MTU, IFLA_OPERSTATE } from './constants.js';

export interface Link {
  index: number;
  name: string;
  flags: number;
  mtu?: number;
  /** IF_OPER_* (6 = up, 2 = down, 0 = unknown). */
  operstate?: number;
  /** Administratively up and with carrier (IFF_UP and IFF_LOWER_UP): usable for forwarding. */
  up: boolean;
}

export function writeLinkDumpRequest(w: NetlinkWriter): void {
  w.zeros(IFINFOMSG_LEN);
}

export function parseLink(msg: NetlinkMessage): Link | undefined {
  const p = msg.payload;
  if (p.length < IFINFOMSG_LEN) return undefined;
  const index = p.readInt32LE(4);
  const flags = p.readUInt32LE(8);
  const a = parseAttributes(p, IFINFOMSG_LEN);
  return {
    index,
    name: attrString(a.get(IFLA_IFNAME)) ?? `if${index}`,
    flags,
    mtu: attrU32(a.get(IFLA_MTU)),
    operstate: attrU8(a.get(IFLA_OPERSTATE)),
    up: (flags & IFF_UP) !== 0 && (flags & IFF_LOWER_UP) !== 0,
  };
}
