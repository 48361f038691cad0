// Netlink message stream parsing: struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }
// followed by the payload, each message 4-aligned. Also the NLMSG_ERROR (ack) payload with the
// extended-ack TLVs (NETLINK_EXT_ACK) so errors carry the kernel's own explanation.

import { forEachAttribute, attrString, attrU32 } from './attributes.js';
import { NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED, align4 } from './constants.js';

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** Bytes after the 16-byte header (a view into the received datagram). */
  payload: Buffer;
}

/**
 * Splits a datagram into messages. Stops (without throwing) at a truncated or corrupt header:
 * the kernel never sends one, and a partial read must not take the agent down.
 */
export function parseMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let o = 0;
  while (o + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(o);
    if (len < NLMSG_HDRLEN || o + len > buf.length) break;
    out.push({
      type: buf.readUInt16LE(o + 4),
      flags: buf.readUInt16LE(o + 6),
      seq: buf.readUInt32LE(o + 8),
      pid: buf.readUInt32LE(o + 12),
      payload: buf.subarray(o + NLMSG_HDRLEN, o + len),
    });
    o += align4(len);
  }
  return out;
}

/** Decoded `struct nlmsgerr` (the payload of NLMSG_ERROR, also used for acks with error 0). */
export interface NetlinkAck {
  /** 0 for a plain ACK, otherwise a positive errno. */
  errno: number;
  /** Header of the request this answers. */
  requestType: number;
  requestSeq: number;
  /** NLMSGERR_ATTR_MSG: the kernel's extended-ack text, when it gave one. */
  extAck?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request. */
  extAckOffset?: number;
}

/**
 * Parses an NLMSG_ERROR payload: `int error; struct nlmsghdr msg;` then the request payload unless
 * the ack is NLM_F_CAPPED (NETLINK_CAP_ACK), then ext-ack TLVs when NLM_F_ACK_TLVS is set.
 */
export function parseAck(payload: Buffer, flags: number): NetlinkAck {
  if (payload.length < 4) return { errno: 0, requestType: 0, requestSeq: 0 };
  const error = payload.readInt32LE(0);
  const ack: NetlinkAck = { errno: error === 0 ? 0 : -error, requestType: 0, requestSeq: 0 };
  if (payload.length >= 4 + NLMSG_HDRLEN) {
    const reqLen = payload.readUInt32LE(4);
    ack.requestType = payload.readUInt16LE(8);
    ack.requestSeq = payload.readUInt32LE(12);
    if (flags & NLM_F_ACK_TLVS) {
      // Without CAPPED the kernel echoes the whole request (only for errors); the TLVs follow it.
      const tlvStart = 4 + (flags & NLM_F_CAPPED || error === 0 ? NLMSG_HDRLEN : align4(reqLen));
      forEachAttribute(payload, tlvStart, payload.length, (t, v) => {
        if (t === NLMSGERR_ATTR_MSG) ack.extAck = attrString(v);
        else if (t === NLMSGERR_ATTR_OFFS) ack.extAckOffset = attrU32(v);
      });
    }
  }
  return ack;
}

/** NLMSG_DONE carries `int error` (0, or a negative errno when a dump failed), then optional ext-ack TLVs. */
export function parseDone(payload: Buffer, flags: number): { errno: number; extAck?: string } {
  if (payload.length < 4) return { errno: 0 };
  const res: { errno: number; extAck?: string } = { errno: 0 - payload.readInt32LE(0) || 0 };
  if (flags & NLM_F_ACK_TLVS) {
    forEachAttribute(payload, 4, payload.length, (t, v) => {
      if (t === NLMSGERR_ATTR_MSG) res.extAck = attrString(v);
    });
  }
  return res;
}
