// Pure builders for every IPVS request podroute sends, and decoders for the replies. A request is a
// command plus its attribute payload; framing (nlmsghdr, genlmsghdr, family id, seq) is the
// transport's job, so these stay testable byte for byte.

import { AttrWriter, getU32, parseAttrs } from './attr.js';
import { Cmd, CmdAttr, InfoAttr } from './constants.js';
import { decodeDestination, encodeDestination, encodeDestinationId } from './destination.js';
import { decodeService, encodeService, writeServiceId } from './service.js';
import type { IpvsDestination, IpvsDestinationEntry, IpvsFamily, IpvsInfo, IpvsService, IpvsServiceEntry, IpvsTimeouts, ServiceId } from './types.js';

export interface IpvsRequest {
  cmd: number;
  attrs: Buffer;
  /** NLM_F_DUMP request (replies are a multipart stream). */
  dump?: boolean;
}

// A service's identity is repeated in every destination request: encode it once per ServiceId
// object (the controller reuses one object per virtual server).
const idCache = new WeakMap<ServiceId, AttrWriter>();
function svcIdAttrs(id: ServiceId): AttrWriter {
  let w = idCache.get(id);
  if (!w) idCache.set(id, (w = writeServiceId(new AttrWriter(64), id)));
  return w;
}
const svcId = (id: ServiceId): AttrWriter => new AttrWriter(160).nested(CmdAttr.SERVICE, svcIdAttrs(id));

export const newService = (s: IpvsService): IpvsRequest => ({ cmd: Cmd.NEW_SERVICE, attrs: new AttrWriter().nested(CmdAttr.SERVICE, encodeService(s)).toBuffer() });
export const setService = (s: IpvsService): IpvsRequest => ({ cmd: Cmd.SET_SERVICE, attrs: new AttrWriter().nested(CmdAttr.SERVICE, encodeService(s)).toBuffer() });
export const delService = (id: ServiceId): IpvsRequest => ({ cmd: Cmd.DEL_SERVICE, attrs: svcId(id).toBuffer() });
export const getService = (id: ServiceId): IpvsRequest => ({ cmd: Cmd.GET_SERVICE, attrs: svcId(id).toBuffer() });
export const dumpServices = (): IpvsRequest => ({ cmd: Cmd.GET_SERVICE, attrs: Buffer.alloc(0), dump: true });

export const newDest = (id: ServiceId, d: IpvsDestination): IpvsRequest => ({ cmd: Cmd.NEW_DEST, attrs: svcId(id).nested(CmdAttr.DEST, encodeDestination(d)).toBuffer() });
export const setDest = (id: ServiceId, d: IpvsDestination): IpvsRequest => ({ cmd: Cmd.SET_DEST, attrs: svcId(id).nested(CmdAttr.DEST, encodeDestination(d)).toBuffer() });
export const delDest = (id: ServiceId, d: Pick<IpvsDestination, 'address' | 'port'>): IpvsRequest => ({ cmd: Cmd.DEL_DEST, attrs: svcId(id).nested(CmdAttr.DEST, encodeDestinationId(d)).toBuffer() });
export const dumpDests = (id: ServiceId): IpvsRequest => ({ cmd: Cmd.GET_DEST, attrs: svcId(id).toBuffer(), dump: true });

export const getInfo = (): IpvsRequest => ({ cmd: Cmd.GET_INFO, attrs: Buffer.alloc(0) });
export const getConfig = (): IpvsRequest => ({ cmd: Cmd.GET_CONFIG, attrs: Buffer.alloc(0) });
/** A 0 timeout tells the kernel to keep the current value. */
export const setConfig = (t: IpvsTimeouts): IpvsRequest => ({
  cmd: Cmd.SET_CONFIG,
  attrs: new AttrWriter().u32(CmdAttr.TIMEOUT_TCP, t.tcp).u32(CmdAttr.TIMEOUT_TCP_FIN, t.tcpFin).u32(CmdAttr.TIMEOUT_UDP, t.udp).toBuffer(),
});
/** Zero the counters of one service (or all, without an id). */
export const zeroStats = (id?: ServiceId): IpvsRequest => ({ cmd: Cmd.ZERO, attrs: id ? svcId(id).toBuffer() : Buffer.alloc(0) });

// ---- replies (the genl payload after the 4-byte genlmsghdr) ----

export function parseServiceReply(payload: Buffer): IpvsServiceEntry {
  const nested = parseAttrs(payload).get(CmdAttr.SERVICE);
  if (!nested) throw new Error('IPVS reply without IPVS_CMD_ATTR_SERVICE');
  return decodeService(nested);
}

export function parseDestReply(payload: Buffer, serviceFamily: IpvsFamily): IpvsDestinationEntry {
  const nested = parseAttrs(payload).get(CmdAttr.DEST);
  if (!nested) throw new Error('IPVS reply without IPVS_CMD_ATTR_DEST');
  return decodeDestination(nested, serviceFamily);
}

export function parseInfoReply(payload: Buffer): IpvsInfo {
  const m = parseAttrs(payload);
  const v = getU32(m, InfoAttr.VERSION, 'IPVS_INFO_ATTR_VERSION');
  return { version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`, connTableSize: getU32(m, InfoAttr.CONN_TAB_SIZE, 'IPVS_INFO_ATTR_CONN_TAB_SIZE') };
}

export function parseConfigReply(payload: Buffer): IpvsTimeouts {
  const m = parseAttrs(payload);
  return {
    tcp: getU32(m, CmdAttr.TIMEOUT_TCP, 'IPVS_CMD_ATTR_TIMEOUT_TCP'),
    tcpFin: getU32(m, CmdAttr.TIMEOUT_TCP_FIN, 'IPVS_CMD_ATTR_TIMEOUT_TCP_FIN'),
    udp: getU32(m, CmdAttr.TIMEOUT_UDP, 'IPVS_CMD_ATTR_TIMEOUT_UDP'),
  };
}
