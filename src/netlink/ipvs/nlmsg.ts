// Netlink framing for generic netlink: struct nlmsghdr (16 bytes) + struct genlmsghdr (4 bytes).
// Pure, so the transport only moves bytes, and so many requests can be packed into one sendmsg
// (the kernel's netlink_rcv_skb walks every message in a datagram and ACKs each one).

import { GENL_HDRLEN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN } from './constants.js';

// The message shape and the stream parser are the project's one netlink framing (../message.ts);
// this file adds only what generic netlink requests need on top.
export type { NetlinkMessage } from '../message.js';
import { parseMessages, type NetlinkMessage } from '../message.js';

/** Writes one generic netlink request into `out` at `at`; returns the aligned length written. */
export function writeGenlMessage(out: Buffer, at: number, family: number, flags: number, seq: number, cmd: number, version: number, attrs: Buffer): number {
  const len = NLMSG_HDRLEN + GENL_HDRLEN + attrs.length;
  out.writeUInt32LE(len, at);
  out.writeUInt16LE(family, at + 4);
  out.writeUInt16LE(flags, at + 6);
  out.writeUInt32LE(seq >>> 0, at + 8);
  out.writeUInt32LE(0, at + 12); // pid 0: the kernel fills in our port
  out.writeUInt8(cmd, at + 16);
  out.writeUInt8(version, at + 17);
  out.writeUInt16LE(0, at + 18);
  attrs.copy(out, at + 20);
  const aligned = (len + 3) & ~3;
  out.fill(0, at + len, at + aligned);
  return aligned;
}

export const genlMessageSize = (attrs: Buffer): number => (NLMSG_HDRLEN + GENL_HDRLEN + attrs.length + 3) & ~3;

export function encodeGenlMessage(family: number, flags: number, seq: number, cmd: number, version: number, attrs: Buffer): Buffer {
  const out = Buffer.alloc(genlMessageSize(attrs));
  writeGenlMessage(out, 0, family, flags, seq, cmd, version, attrs);
  return out;
}

/** Splits a datagram into messages. Stops (without throwing) at a truncated tail. */
export const parseNetlinkMessages = parseMessages;

/** For NLMSG_ERROR: the errno (positive; 0 is an ACK). */
export function errorCode(m: NetlinkMessage): number {
  if (m.type !== NLMSG_ERROR) throw new Error(`not an NLMSG_ERROR (type ${m.type})`);
  return (-m.payload.readInt32LE(0)) | 0; // | 0: an ACK is 0, not -0
}

export const isDone = (m: NetlinkMessage): boolean => m.type === NLMSG_DONE;
export const isError = (m: NetlinkMessage): boolean => m.type === NLMSG_ERROR;
/** The generic netlink payload (after genlmsghdr) of a data message. */
export const genlPayload = (m: NetlinkMessage): Buffer => m.payload.subarray(GENL_HDRLEN);
export const genlCmd = (m: NetlinkMessage): number => m.payload.readUInt8(0);
