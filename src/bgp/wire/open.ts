// OPEN (RFC 4271 §4.2) with its checks from §6.2, RFC 6286 (identifier), RFC 7607 (AS 0) and
// RFC 9072 (extended optional parameters length). Peer-AS matching is the session's job.

import { MSG_OPEN, MAX_MESSAGE_LEN, type OpenMessage } from './types.js';
import {
  BgpError, ERR_HEADER, ERR_OPEN, HDR_BAD_LENGTH, OPEN_BAD_BGP_ID, OPEN_BAD_PEER_AS,
  OPEN_UNACCEPTABLE_HOLD_TIME, OPEN_UNSUPPORTED_OPTIONAL_PARAMETER, OPEN_UNSUPPORTED_VERSION,
} from './errors.js';
import { formatIpv4, parseIpv4 } from './address.js';
import { PARAM_CAPABILITIES, PARAM_EXTENDED_LENGTH } from './codes.js';
import { decodeCapabilities, emptyCapabilities, writeCapabilities } from './capabilities.js';
import { ByteWriter } from './writer.js';
import { writeHeader } from './header.js';

export const BGP_VERSION = 4;

export function decodeOpen(b: Buffer): OpenMessage {
  const len = b.length;
  const version = b[19];
  if (version !== BGP_VERSION) {
    throw new BgpError(ERR_OPEN, OPEN_UNSUPPORTED_VERSION, `unsupported BGP version ${version}`, Uint8Array.of(0, BGP_VERSION));
  }
  const myAsn = (b[20] << 8) | b[21];
  const holdTime = (b[22] << 8) | b[23];
  const id = formatIpv4(b, 24);
  let optLen = b[28];
  let p = 29;
  // RFC 9072: Non-Ext OP Len 255 with Non-Ext OP Type 255 announces 2-octet parameter lengths.
  const extended = optLen === 255 && len > 29 && b[29] === PARAM_EXTENDED_LENGTH;
  if (extended) {
    if (len < 32) throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, 'OPEN too short for extended optional parameters', Uint8Array.of(b[16], b[17]));
    optLen = (b[30] << 8) | b[31];
    p = 32;
  }
  if (p + optLen !== len) {
    throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `OPEN length ${len} disagrees with optional parameters length ${optLen}`, Uint8Array.of(b[16], b[17]));
  }
  if (myAsn === 0) throw new BgpError(ERR_OPEN, OPEN_BAD_PEER_AS, 'OPEN carries AS 0');
  if (holdTime === 1 || holdTime === 2) {
    throw new BgpError(ERR_OPEN, OPEN_UNACCEPTABLE_HOLD_TIME, `hold time ${holdTime} is not 0 or at least 3`);
  }
  if (id === '0.0.0.0') throw new BgpError(ERR_OPEN, OPEN_BAD_BGP_ID, 'BGP identifier is 0');
  const caps = emptyCapabilities();
  const hdr = extended ? 3 : 2;
  while (p < len) {
    if (len - p < hdr) throw new BgpError(ERR_OPEN, 0, 'optional parameter header overruns the message');
    const type = b[p];
    const plen = extended ? (b[p + 1] << 8) | b[p + 2] : b[p + 1];
    const v = p + hdr;
    p = v + plen;
    if (p > len) throw new BgpError(ERR_OPEN, 0, `optional parameter ${type} length ${plen} overruns the message`);
    if (type !== PARAM_CAPABILITIES) {
      throw new BgpError(ERR_OPEN, OPEN_UNSUPPORTED_OPTIONAL_PARAMETER, `unsupported optional parameter ${type}`);
    }
    decodeCapabilities(b, v, p, caps);
  }
  return { type: MSG_OPEN, version, myAsn, holdTime, routerId: id, capabilities: caps };
}

export function encodeOpen(m: Omit<OpenMessage, 'type'>): Buffer {
  const check = (ok: boolean, what: string) => { if (!ok) throw new Error(`cannot encode OPEN: ${what}`); };
  check(Number.isInteger(m.myAsn) && m.myAsn >= 0 && m.myAsn <= 0xffff, `My AS ${m.myAsn} is not 0..65535 (use AS_TRANS)`);
  check(Number.isInteger(m.holdTime) && m.holdTime >= 0 && m.holdTime <= 0xffff, `hold time ${m.holdTime}`);
  const caps = new ByteWriter(128);
  writeCapabilities(caps, m.capabilities);
  const capBytes = caps.finish();
  const w = new ByteWriter(64 + capBytes.length);
  w.skip(19);
  w.u8(m.version).u16(m.myAsn).u16(m.holdTime).bytes(parseIpv4(m.routerId));
  if (capBytes.length === 0) {
    w.u8(0);
  } else if (capBytes.length + 2 <= 255) {
    w.u8(capBytes.length + 2).u8(PARAM_CAPABILITIES).u8(capBytes.length).bytes(capBytes);
  } else {
    // RFC 9072 extended format for capabilities that do not fit in 255 octets.
    w.u8(255).u8(PARAM_EXTENDED_LENGTH).u16(capBytes.length + 3).u8(PARAM_CAPABILITIES).u16(capBytes.length).bytes(capBytes);
  }
  const buf = w.finish();
  if (buf.length > MAX_MESSAGE_LEN) throw new Error(`OPEN would be ${buf.length} bytes, more than ${MAX_MESSAGE_LEN}`);
  writeHeader(buf, 0, buf.length, MSG_OPEN);
  return buf;
}
