// The community family: COMMUNITIES (8, RFC 1997), EXTENDED COMMUNITIES (16, RFC 4360) and
// LARGE_COMMUNITY (32, RFC 8092). A length that is not a non-zero multiple of the element size is
// malformed → treat-as-withdraw (RFC 7606 §7.8, §7.14; RFC 8092 §6).

import type { PathAttributes } from '../types.js';
import type { ByteWriter } from '../writer.js';
import { ATTR_COMMUNITIES, ATTR_EXTENDED_COMMUNITIES, ATTR_LARGE_COMMUNITIES, FLAG_OPTIONAL, FLAG_TRANSITIVE } from '../codes.js';
import type { AttrDecoder } from './state.js';
import { readU32, u32Bytes, writeAttr } from './encode-helpers.js';

function sizeOk(len: number, unit: number): boolean {
  return len > 0 && len % unit === 0;
}

export const decodeCommunities: AttrDecoder = (b, start, len, st) => {
  if (!sizeOk(len, 4)) return st.withdraw(`COMMUNITIES length ${len} is not a non-zero multiple of 4`);
  const out: number[] = [];
  for (let p = start; p < start + len; p += 4) out.push(readU32(b, p));
  st.attrs.communities = out;
};

export const decodeExtCommunities: AttrDecoder = (b, start, len, st) => {
  if (!sizeOk(len, 8)) return st.withdraw(`EXTENDED_COMMUNITIES length ${len} is not a non-zero multiple of 8`);
  const out: string[] = [];
  for (let p = start; p < start + len; p += 8) out.push(b.toString('hex', p, p + 8));
  st.attrs.extCommunities = out;
};

export const decodeLargeCommunities: AttrDecoder = (b, start, len, st) => {
  if (!sizeOk(len, 12)) return st.withdraw(`LARGE_COMMUNITY length ${len} is not a non-zero multiple of 12`);
  const out = [];
  for (let p = start; p < start + len; p += 12) {
    out.push({ global: readU32(b, p), local1: readU32(b, p + 4), local2: readU32(b, p + 8) });
  }
  st.attrs.largeCommunities = out;
};

const OT = FLAG_OPTIONAL | FLAG_TRANSITIVE;

export function encodeCommunities(a: PathAttributes, w: ByteWriter): void {
  if (a.communities === undefined || a.communities.length === 0) return;
  writeAttr(w, OT, ATTR_COMMUNITIES, u32Bytes(a.communities));
}

export function encodeExtCommunities(a: PathAttributes, w: ByteWriter): void {
  if (a.extCommunities === undefined || a.extCommunities.length === 0) return;
  const v = Buffer.alloc(a.extCommunities.length * 8);
  a.extCommunities.forEach((hex, i) => {
    if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new Error(`extended community "${hex}" is not 16 hex digits`);
    v.write(hex, i * 8, 'hex');
  });
  writeAttr(w, OT, ATTR_EXTENDED_COMMUNITIES, v);
}

export function encodeLargeCommunities(a: PathAttributes, w: ByteWriter): void {
  if (a.largeCommunities === undefined || a.largeCommunities.length === 0) return;
  writeAttr(w, OT, ATTR_LARGE_COMMUNITIES, u32Bytes(a.largeCommunities.flatMap((c) => [c.global, c.local1, c.local2])));
}
