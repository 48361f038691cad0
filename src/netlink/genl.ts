// Generic netlink: family resolution through the controller (nlctrl, CTRL_CMD_GETFAMILY).
//
// A generic netlink family (IPVS, ethtool, …) has a message type id assigned at runtime; resolve it
// by name once, then send `struct genlmsghdr { u8 cmd; u8 version; u16 reserved; }` + attributes
// with that id as nlmsg_type.
//
// API
//   const nl = openNetlink({ protocol: NETLINK_GENERIC, netns? });
//   const fam = await resolveGenlFamily(nl, 'IPVS');   // { id, name, version, hdrSize, maxAttr, mcastGroups }
//     → rejects NetlinkError code 'ENOENT' when the kernel has no such family
//   await nl.request(fam.id, flags, w => { writeGenlHeader(w, CMD, fam.version); w.attrU32(…) })
//   parseGenlMessage(msg) → { cmd, version, attrs: Map<type, Buffer> }  (attrs after the 4-byte header)

import { attrString, attrU16, attrU32, listAttributes, parseAttributes } from './attributes.js';
import type { NetlinkMessage } from './message.js';
import type { NetlinkSocket } from './socket.js';
import type { NetlinkWriter } from './writer.js';

export const GENL_ID_CTRL = 16;
export const GENL_HDRLEN = 4;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
export const CTRL_ATTR_MCAST_GROUPS = 7;
export const CTRL_ATTR_MCAST_GRP_NAME = 1;
export const CTRL_ATTR_MCAST_GRP_ID = 2;

export interface GenlFamily {
  id: number;
  name: string;
  version: number;
  hdrSize: number;
  maxAttr: number;
  /** Multicast group name → group id (for NetlinkSocket.addMembership). */
  mcastGroups: Map<string, number>;
}

/** Writes the generic netlink header right after beginMessage(). */
export function writeGenlHeader(w: NetlinkWriter, cmd: number, version: number): void {
  w.u8(cmd).u8(version).u16(0);
}

export interface GenlMessage {
  cmd: number;
  version: number;
  /** Top-level attributes (views). */
  attrs: Map<number, Buffer>;
  /** Payload after the genl header, for families with a user header (hdrSize > 0). */
  body: Buffer;
}

export function parseGenlMessage(msg: NetlinkMessage): GenlMessage {
  const p = msg.payload;
  if (p.length < GENL_HDRLEN) return { cmd: 0, version: 0, attrs: new Map(), body: p.subarray(p.length) };
  return { cmd: p[0], version: p[1], attrs: parseAttributes(p, GENL_HDRLEN), body: p.subarray(GENL_HDRLEN) };
}

/** Decodes a CTRL_CMD_NEWFAMILY reply. */
export function parseGenlFamily(msg: NetlinkMessage): GenlFamily {
  const { attrs } = parseGenlMessage(msg);
  const mcastGroups = new Map<string, number>();
  const groups = attrs.get(CTRL_ATTR_MCAST_GROUPS);
  if (groups) {
    for (const { value } of listAttributes(groups)) {
      const g = parseAttributes(value);
      const name = attrString(g.get(CTRL_ATTR_MCAST_GRP_NAME));
      const id = attrU32(g.get(CTRL_ATTR_MCAST_GRP_ID));
      if (name !== undefined && id !== undefined) mcastGroups.set(name, id);
    }
  }
  return {
    id: attrU16(attrs.get(CTRL_ATTR_FAMILY_ID)) ?? 0,
    name: attrString(attrs.get(CTRL_ATTR_FAMILY_NAME)) ?? '',
    version: attrU32(attrs.get(CTRL_ATTR_VERSION)) ?? 0,
    hdrSize: attrU32(attrs.get(CTRL_ATTR_HDRSIZE)) ?? 0,
    maxAttr: attrU32(attrs.get(CTRL_ATTR_MAXATTR)) ?? 0,
    mcastGroups,
  };
}

/** Resolves a family by name. `nl` must be a NETLINK_GENERIC socket. */
export async function resolveGenlFamily(nl: NetlinkSocket, name: string): Promise<GenlFamily> {
  const replies = await nl.request(GENL_ID_CTRL, 0, (w) => {
    writeGenlHeader(w, CTRL_CMD_GETFAMILY, 1);
    w.attrString(CTRL_ATTR_FAMILY_NAME, name);
  });
  const msg = replies.find((m) => m.type === GENL_ID_CTRL);
  if (!msg) throw new Error(`generic netlink: no reply for family ${name}`);
  return parseGenlFamily(msg);
}

/** Every family the kernel knows (CTRL_CMD_GETFAMILY dump). */
export async function listGenlFamilies(nl: NetlinkSocket): Promise<GenlFamily[]> {
  const msgs = await nl.dump(GENL_ID_CTRL, (w) => writeGenlHeader(w, CTRL_CMD_GETFAMILY, 1));
  return msgs.filter((m) => m.type === GENL_ID_CTRL).map(parseGenlFamily);
}
