// The 19-byte message header (RFC 4271 §4.1) and its checks (§6.1), shared by the stream reader
// and decodeMessage so both reject exactly the same frames with exactly the same NOTIFICATION.

import { BgpError, ERR_HEADER, HDR_BAD_LENGTH, HDR_BAD_TYPE, HDR_NOT_SYNCHRONIZED } from './errors.js';
import { HEADER_LEN, MAX_MESSAGE_LEN, MSG_KEEPALIVE, MSG_OPEN } from './types.js';
import { MIN_LENGTH_BY_TYPE } from './codes.js';

/**
 * Validates the header at `buf[off..off+19)` and returns the message length.
 * Throws BgpError(1,1) bad marker, (1,2) bad length with the length field as data,
 * (1,3) bad type with the type byte as data.
 */
export function checkHeader(buf: Uint8Array, off: number, maxLength: number): number {
  for (let i = 0; i < 16; i++) {
    if (buf[off + i] !== 0xff) throw new BgpError(ERR_HEADER, HDR_NOT_SYNCHRONIZED, 'message header marker is not all ones');
  }
  const len = (buf[off + 16] << 8) | buf[off + 17];
  const type = buf[off + 18];
  const lenField = () => Uint8Array.of(buf[off + 16], buf[off + 17]);
  if (len < HEADER_LEN || len > maxLength) {
    throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `message length ${len} outside ${HEADER_LEN}..${maxLength}`, lenField());
  }
  if (type < 1 || type >= MIN_LENGTH_BY_TYPE.length) {
    throw new BgpError(ERR_HEADER, HDR_BAD_TYPE, `unknown message type ${type}`, Uint8Array.of(type));
  }
  const min = MIN_LENGTH_BY_TYPE[type];
  // RFC 8654: OPEN and KEEPALIVE stay within 4096 even when extended messages are negotiated.
  const tooLong = (type === MSG_KEEPALIVE && len !== HEADER_LEN) || (type === MSG_OPEN && len > MAX_MESSAGE_LEN);
  if (len < min || tooLong) {
    throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `message length ${len} is invalid for message type ${type}`, lenField());
  }
  return len;
}

/** Writes a header for a message of `len` bytes and `type` at `buf[off..]`. */
export function writeHeader(buf: Uint8Array, off: number, len: number, type: number): void {
  buf.fill(0xff, off, off + 16);
  buf[off + 16] = len >> 8;
  buf[off + 17] = len & 0xff;
  buf[off + 18] = type;
}
