// RFC 9003 shutdown communication: the data of a Cease/Administrative Shutdown or Administrative
// Reset NOTIFICATION is one length octet followed by at most 255 octets of UTF-8.
import { CEASE_ADMIN_RESET, CEASE_ADMIN_SHUTDOWN, ERR_CEASE } from '../wire/errors.js';

export const MAX_SHUTDOWN_COMMUNICATION = 255;

/** Encodes text, cutting at a character boundary so the receiver never sees broken UTF-8. */
export function encodeShutdownCommunication(text: string): Uint8Array {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_SHUTDOWN_COMMUNICATION) {
    let end = MAX_SHUTDOWN_COMMUNICATION;
    // Back off over UTF-8 continuation bytes (10xxxxxx) so the cut lands before a lead byte.
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** The message carried by a NOTIFICATION, or undefined when it carries none (or a malformed one). */
export function decodeShutdownCommunication(code: number, subcode: number, data: Uint8Array): string | undefined {
  if (code !== ERR_CEASE || (subcode !== CEASE_ADMIN_SHUTDOWN && subcode !== CEASE_ADMIN_RESET)) return undefined;
  if (data.length < 1) return undefined;
  const len = data[0];
  if (len === 0 || len > MAX_SHUTDOWN_COMMUNICATION || 1 + len > data.length) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(1, 1 + len));
  // Strip control characters: this text ends up in logs and on the dashboard.
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

export function carriesShutdownCommunication(subcode: number): boolean {
  return subcode === CEASE_ADMIN_SHUTDOWN || subcode === CEASE_ADMIN_RESET;
}
