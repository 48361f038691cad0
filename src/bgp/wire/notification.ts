// NOTIFICATION (RFC 4271 §4.5) and KEEPALIVE (§4.4): the two messages with no structure to speak of.

import { HEADER_LEN, MSG_KEEPALIVE, MSG_NOTIFICATION, type NotificationMessage } from './types.js';
import { writeHeader } from './header.js';

export function decodeNotification(b: Buffer): NotificationMessage {
  return { type: MSG_NOTIFICATION, code: b[19], subcode: b[20], data: new Uint8Array(b.subarray(21)) };
}

export function encodeNotification(code: number, subcode: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  const len = 21 + data.length;
  // A NOTIFICATION must fit the peer's limit; cut overlong data (e.g. a huge bad attribute) rather than fail.
  const keep = len > 4096 ? 4096 - 21 : data.length;
  const buf = Buffer.alloc(21 + keep);
  writeHeader(buf, 0, buf.length, MSG_NOTIFICATION);
  buf[19] = code;
  buf[20] = subcode;
  buf.set(data.subarray(0, keep), 21);
  return buf;
}

export function encodeKeepalive(): Buffer {
  const buf = Buffer.alloc(HEADER_LEN);
  writeHeader(buf, 0, HEADER_LEN, MSG_KEEPALIVE);
  return buf;
}
