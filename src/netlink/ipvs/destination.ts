// IPVS_CMD_ATTR_DEST: a real server of a virtual service.

import { AttrWriter, getBe16, getU16, getU32, getU8, parseAttrs } from './attr.js';
import { decodeAddr, encodeAddr, familyOf } from './address.js';
import { DestAttr, FwdMethod, FWD_MASK, TunType } from './constants.js';
import { afOf, familyOfAf, IpvsCodecError } from './service.js';
import { decodeStats } from './stats.js';
import type { ForwardMethod, IpvsDestination, IpvsDestinationEntry, IpvsFamily, TunnelType } from './types.js';

const FWD: Record<ForwardMethod, number> = {
  masq: FwdMethod.MASQ, local: FwdMethod.LOCALNODE, tunnel: FwdMethod.TUNNEL, route: FwdMethod.DROUTE, bypass: FwdMethod.BYPASS,
};
const FWD_NAME = new Map(Object.entries(FWD).map(([k, v]) => [v, k as ForwardMethod]));
const TUN: Record<TunnelType, number> = { ipip: TunType.IPIP, gue: TunType.GUE, gre: TunType.GRE };
const TUN_NAME = new Map(Object.entries(TUN).map(([k, v]) => [v, k as TunnelType]));

/** Only the identity (ADDR, PORT): enough for DEL_DEST. */
export function encodeDestinationId(d: Pick<IpvsDestination, 'address' | 'port'>): AttrWriter {
  return new AttrWriter().raw(DestAttr.ADDR, encodeAddr(d.address)).be16(DestAttr.PORT, d.port);
}

/** Full destination: the kernel requires ADDR, PORT, FWD_METHOD, WEIGHT, U_THRESH and L_THRESH. */
export function encodeDestination(d: IpvsDestination): AttrWriter {
  if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 0x7fffffff) throw new IpvsCodecError(`weight ${d.weight}`);
  const w = new AttrWriter();
  // ADDR_FAMILY lets a tunnel destination differ in family from its service (kernel >= 4.15).
  w.u16(DestAttr.ADDR_FAMILY, afOf(d.family ?? familyOf(d.address)));
  w.raw(DestAttr.ADDR, encodeAddr(d.address));
  w.be16(DestAttr.PORT, d.port);
  w.u32(DestAttr.FWD_METHOD, FWD[d.forward]);
  w.u32(DestAttr.WEIGHT, d.weight);
  if (d.forward === 'tunnel' && d.tunnelType !== undefined) {
    w.u8(DestAttr.TUN_TYPE, TUN[d.tunnelType]);
    if (d.tunnelType === 'gue') w.be16(DestAttr.TUN_PORT, d.tunnelPort ?? 0);
    if (d.tunnelType !== 'ipip') w.u16(DestAttr.TUN_FLAGS, d.tunnelFlags ?? 0);
  }
  w.u32(DestAttr.U_THRESH, d.upperThreshold);
  w.u32(DestAttr.L_THRESH, d.lowerThreshold);
  return w;
}

/** Decodes one IPVS_CMD_ATTR_DEST; `serviceFamily` applies when the kernel omits ADDR_FAMILY (< 4.15). */
export function decodeDestination(buf: Buffer, serviceFamily: IpvsFamily): IpvsDestinationEntry {
  const m = parseAttrs(buf);
  const family = m.has(DestAttr.ADDR_FAMILY) ? familyOfAf(getU16(m, DestAttr.ADDR_FAMILY, 'IPVS_DEST_ATTR_ADDR_FAMILY')) : serviceFamily;
  const fwd = getU32(m, DestAttr.FWD_METHOD, 'IPVS_DEST_ATTR_FWD_METHOD') & FWD_MASK;
  const forward = FWD_NAME.get(fwd);
  if (!forward) throw new IpvsCodecError(`unknown forwarding method ${fwd}`);
  const addr = m.get(DestAttr.ADDR);
  if (!addr) throw new IpvsCodecError('missing IPVS_DEST_ATTR_ADDR');
  const e: IpvsDestinationEntry = {
    address: decodeAddr(addr, family),
    port: getBe16(m, DestAttr.PORT, 'IPVS_DEST_ATTR_PORT'),
    forward,
    weight: getU32(m, DestAttr.WEIGHT, 'IPVS_DEST_ATTR_WEIGHT'),
    upperThreshold: m.has(DestAttr.U_THRESH) ? getU32(m, DestAttr.U_THRESH, 'U_THRESH') : 0,
    lowerThreshold: m.has(DestAttr.L_THRESH) ? getU32(m, DestAttr.L_THRESH, 'L_THRESH') : 0,
    activeConns: m.has(DestAttr.ACTIVE_CONNS) ? getU32(m, DestAttr.ACTIVE_CONNS, 'ACTIVE_CONNS') : 0,
    inactiveConns: m.has(DestAttr.INACT_CONNS) ? getU32(m, DestAttr.INACT_CONNS, 'INACT_CONNS') : 0,
    persistConns: m.has(DestAttr.PERSIST_CONNS) ? getU32(m, DestAttr.PERSIST_CONNS, 'PERSIST_CONNS') : 0,
  };
  if (family !== serviceFamily) e.family = family;
  if (forward === 'tunnel' && m.has(DestAttr.TUN_TYPE)) {
    const tt = TUN_NAME.get(getU8(m, DestAttr.TUN_TYPE, 'TUN_TYPE'));
    if (tt) e.tunnelType = tt;
    if (tt === 'gue' && m.has(DestAttr.TUN_PORT)) e.tunnelPort = getBe16(m, DestAttr.TUN_PORT, 'TUN_PORT');
    if (tt && tt !== 'ipip' && m.has(DestAttr.TUN_FLAGS)) e.tunnelFlags = getU16(m, DestAttr.TUN_FLAGS, 'TUN_FLAGS');
  }
  const s64 = m.get(DestAttr.STATS64);
  const s32 = m.get(DestAttr.STATS);
  if (s64) e.stats = decodeStats(s64, true);
  else if (s32) e.stats = decodeStats(s32, false);
  return e;
}
