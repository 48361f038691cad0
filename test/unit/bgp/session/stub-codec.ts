// A stand-in for the wire codec while it is being written: real BGP framing (marker, length, type),
// real KEEPALIVE/NOTIFICATION/ROUTE-REFRESH bodies, JSON bodies for OPEN and UPDATE. The session only
// reads the type octet itself, so its behaviour does not depend on the body encoding.
import { BgpError, ERR_HEADER, HDR_BAD_LENGTH, HDR_NOT_SYNCHRONIZED } from '../../../../src/bgp/wire/errors.js';
import type { BgpMessage, CodecContext, OpenMessage } from '../../../../src/bgp/wire/types.js';
import type { MessageFramer, SessionCodec } from '../../../../src/bgp/session/codec.js';

function frame(type: number, body: Uint8Array): Buffer {
  const b = Buffer.alloc(19 + body.length, 0xff);
  b.writeUInt16BE(19 + body.length, 16);
  b[18] = type;
  Buffer.from(body).copy(b, 19);
  return b;
}

class StubReader implements MessageFramer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private max = 4096) {}
  setMaxLength(n: number): void {
    this.max = n;
  }
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
  }
  next(): Buffer | null {
    if (this.buf.length < 19) return null;
    for (let i = 0; i < 16; i++) if (this.buf[i] !== 0xff) throw new BgpError(ERR_HEADER, HDR_NOT_SYNCHRONIZED, 'bad marker');
    const len = this.buf.readUInt16BE(16);
    if (len < 19 || len > this.max) throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `bad length ${len}`, Buffer.from([len >> 8, len & 0xff]));
    if (this.buf.length < len) return null;
    const m = this.buf.subarray(0, len);
    this.buf = this.buf.subarray(len);
    return m;
  }
}

export const stubCodec: SessionCodec = {
  newReader: (max) => new StubReader(max),
  decodeMessage(msg: Buffer, _ctx: CodecContext): BgpMessage {
    const body = msg.subarray(19);
    switch (msg[18]) {
      case 1:
        return { type: 1, ...JSON.parse(body.toString()) } as OpenMessage;
      case 2:
        return { type: 2, ...JSON.parse(body.toString()) };
      case 3:
        return { type: 3, code: body[0], subcode: body[1], data: Uint8Array.from(body.subarray(2)) };
      case 4:
        return { type: 4 };
      case 5:
        return { type: 5, afi: body.readUInt16BE(0), subtype: body[2], safi: body[3] };
      default:
        throw new BgpError(ERR_HEADER, 3, `bad type ${msg[18]}`, Buffer.from([msg[18]]));
    }
  },
  encodeOpen: (m) => frame(1, Buffer.from(JSON.stringify({ ...m, capabilities: { ...m.capabilities, unknown: [] } }))),
  encodeKeepalive: () => frame(4, new Uint8Array(0)),
  encodeNotification: (code, subcode, data = new Uint8Array(0)) => frame(3, Buffer.concat([Buffer.from([code, subcode]), data])),
  encodeRouteRefresh: (afi, safi, subtype = 0) => frame(5, Buffer.from([afi >> 8, afi & 0xff, subtype, safi])),
};

/** An UPDATE body for the stub (the real codec's binary UPDATE replaces it once it lands). */
export function stubUpdate(prefixes: string[]): Buffer {
  return frame(2, Buffer.from(JSON.stringify({ withdrawn: { prefixes: [] }, attributes: null, nlri: { prefixes } })));
}
export const rawFrame = frame;
