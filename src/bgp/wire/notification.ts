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

/**
 * RFC 9003 Shutdown Communication for Cease/Administrative Shutdown or Reset: a length octet and
 * up to 255 octets of UTF-8. Longer text is cut at a character boundary.
 */
export function encodeShutdownCommunication(text: string): Uint8Array {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) {
    let end = 255;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // do not split a UTF-8 sequence
    bytes = bytes.subarray(0, end);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** The RFC 9003 message in a Cease NOTIFICATION's data, or null when there is none or it is invalid. */
export function decodeShutdownCommunication(data: Uint8Array): string | null {
  if (data.length === 0 || data[0] !== data.length - 1 || data[0] === 0) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1));
  } catch {
    return null;
  }
}
