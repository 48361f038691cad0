// IPVS_CMD_ATTR_SERVICE: encode a virtual service (full, for NEW/SET; or just its identity, for
// DEL/GET and as the parent of destination commands) and decode one from a dump.

import { AttrWriter, AttrError, getStr, getU16, getU32, getBe16, parseAttrs } from './attr.js';
import { decodeAddr, encodeAddr, v4MaskBits, v4MaskBytes } from './address.js';
import {
  AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IP_VS_PENAME_MAXLEN, IP_VS_SCHEDNAME_MAXLEN, SvcAttr, SvcFlag,
} from './constants.js';
import { decodeStats } from './stats.js';
import type { IpvsFamily, IpvsProtocol, IpvsService, IpvsServiceEntry, ServiceId } from './types.js';

export class IpvsCodecError extends Error {
  override name = 'IpvsCodecError';
}

export const afOf = (f: IpvsFamily): number => (f === 4 ? AF_INET : AF_INET6);
export function familyOfAf(af: number): IpvsFamily {
  if (af === AF_INET) return 4;
  if (af === AF_INET6) return 6;
  throw new IpvsCodecError(`unsupported address family ${af}`);
}

const PROTO_NUM: Record<IpvsProtocol, number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
export const protoNum = (p: IpvsProtocol): number => PROTO_NUM[p];
export function protoName(n: number): IpvsProtocol {
  if (n === IPPROTO_TCP) return 'tcp';
  if (n === IPPROTO_UDP) return 'udp';
  if (n === IPPROTO_SCTP) return 'sctp';
  throw new IpvsCodecError(`unsupported protocol ${n}`);
}

/** The attributes that identify a service: AF + (PROTOCOL, ADDR, PORT) or AF + FWMARK. */
export function writeServiceId(w: AttrWriter, id: ServiceId): AttrWriter {
  w.u16(SvcAttr.AF, afOf(id.family));
  if (id.fwmark !== undefined) {
    w.u32(SvcAttr.FWMARK, id.fwmark);
  } else {
    w.u16(SvcAttr.PROTOCOL, protoNum(id.protocol));
    w.raw(SvcAttr.ADDR, encodeAddr(id.address));
    w.be16(SvcAttr.PORT, id.port);
  }
  return w;
}

export function serviceFlags(s: IpvsService): number {
  let f = 0;
  if (s.persistence > 0) f |= SvcFlag.PERSISTENT;
  if (s.onePacket) f |= SvcFlag.ONEPACKET;
  if (s.schedFlags.fallback) f |= SvcFlag.SCHED1;
  if (s.schedFlags.port) f |= SvcFlag.SCHED2;
  if (s.schedFlags.flag3) f |= SvcFlag.SCHED3;
  return f;
}

function netmaskValue(s: IpvsService): Buffer {
  if (s.id.family === 4) {
    if (s.netmaskBits < 0 || s.netmaskBits > 32) throw new IpvsCodecError(`IPv4 netmask /${s.netmaskBits}`);
    return v4MaskBytes(s.netmaskBits);
  }
  // IPv6: the kernel keeps a prefix length (1..128) in the same u32.
  if (s.netmaskBits < 1 || s.netmaskBits > 128) throw new IpvsCodecError(`IPv6 netmask /${s.netmaskBits}`);
  const b = Buffer.alloc(4);
  b.writeUInt32LE(s.netmaskBits, 0);
  return b;
}

/** Full service attributes: the kernel requires SCHED_NAME, FLAGS, TIMEOUT and NETMASK together. */
export function encodeService(s: IpvsService): AttrWriter {
  if (s.scheduler.length === 0 || s.scheduler.length >= IP_VS_SCHEDNAME_MAXLEN) throw new IpvsCodecError(`scheduler name ${JSON.stringify(s.scheduler)}`);
  const w = writeServiceId(new AttrWriter(), s.id);
  w.str(SvcAttr.SCHED_NAME, s.scheduler);
  if (s.persistenceEngine) {
    if (s.persistenceEngine.length >= IP_VS_PENAME_MAXLEN) throw new IpvsCodecError(`persistence engine ${JSON.stringify(s.persistenceEngine)}`);
    w.str(SvcAttr.PE_NAME, s.persistenceEngine);
  }
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(serviceFlags(s), 0);
  flags.writeUInt32LE(0xffffffff, 4); // mask: we state every flag, as ipvsadm does
  w.raw(SvcAttr.FLAGS, flags);
  w.u32(SvcAttr.TIMEOUT, s.persistence);
  w.raw(SvcAttr.NETMASK, netmaskValue(s));
  return w;
}

/** Decodes the content of one IPVS_CMD_ATTR_SERVICE. */
export function decodeService(buf: Buffer): IpvsServiceEntry {
  const m = parseAttrs(buf);
  const family = familyOfAf(getU16(m, SvcAttr.AF, 'IPVS_SVC_ATTR_AF'));
  const fwmark = m.has(SvcAttr.FWMARK) ? getU32(m, SvcAttr.FWMARK, 'IPVS_SVC_ATTR_FWMARK') : 0;
  let id: ServiceId;
  // The kernel always sends PROTOCOL/ADDR/PORT, zeroed for fwmark services.
  if (fwmark !== 0) id = { family, fwmark };
  else {
    const addr = m.get(SvcAttr.ADDR);
    if (!addr) throw new AttrError('missing IPVS_SVC_ATTR_ADDR');
    id = {
      family,
      protocol: protoName(getU16(m, SvcAttr.PROTOCOL, 'IPVS_SVC_ATTR_PROTOCOL')),
      address: decodeAddr(addr, family),
      port: getBe16(m, SvcAttr.PORT, 'IPVS_SVC_ATTR_PORT'),
    };
  }
  const fl = m.get(SvcAttr.FLAGS);
  const rawFlags = fl && fl.length >= 4 ? fl.readUInt32LE(0) : 0;
  const nm = m.get(SvcAttr.NETMASK);
  let netmaskBits = family === 4 ? 32 : 128;
  if (nm && nm.length >= 4) netmaskBits = family === 4 ? v4MaskBits(nm) : nm.readUInt32LE(0);
  const pe = m.has(SvcAttr.PE_NAME) ? getStr(m, SvcAttr.PE_NAME, 'IPVS_SVC_ATTR_PE_NAME') : '';
  const s64 = m.get(SvcAttr.STATS64);
  const s32 = m.get(SvcAttr.STATS);
  const entry: IpvsServiceEntry = {
    id,
    scheduler: m.has(SvcAttr.SCHED_NAME) ? getStr(m, SvcAttr.SCHED_NAME, 'IPVS_SVC_ATTR_SCHED_NAME') : '',
    schedFlags: {
      ...(rawFlags & SvcFlag.SCHED1 ? { fallback: true } : {}),
      ...(rawFlags & SvcFlag.SCHED2 ? { port: true } : {}),
      ...(rawFlags & SvcFlag.SCHED3 ? { flag3: true } : {}),
    },
    persistence: rawFlags & SvcFlag.PERSISTENT && m.has(SvcAttr.TIMEOUT) ? getU32(m, SvcAttr.TIMEOUT, 'IPVS_SVC_ATTR_TIMEOUT') : 0,
    netmaskBits,
    onePacket: (rawFlags & SvcFlag.ONEPACKET) !== 0,
    rawFlags,
  };
  if (pe) entry.persistenceEngine = pe;
  if (s64) entry.stats = decodeStats(s64, true);
  else if (s32) entry.stats = decodeStats(s32, false);
  return entry;
}
