// decodeMessage: one whole message (as MessageReader returns it) → a typed message, or BgpError.

import { HEADER_LEN, MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_OPEN, MSG_ROUTE_REFRESH, MSG_UPDATE, type BgpMessage, type CodecContext } from './types.js';
import { BgpError, ERR_HEADER, HDR_BAD_LENGTH, HDR_BAD_TYPE } from './errors.js';
import { checkHeader } from './header.js';
import { decodeOpen } from './open.js';
import { decodeUpdate, maxLength } from './update.js';
import { decodeNotification } from './notification.js';
import { decodeRouteRefresh } from './route-refresh.js';

export function decodeMessage(msg: Buffer | Uint8Array, ctx: CodecContext): BgpMessage {
  const b = Buffer.isBuffer(msg) ? msg : Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (b.length < HEADER_LEN) {
    throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `message of ${b.length} bytes is shorter than a header`, Uint8Array.of(b.length >> 8, b.length & 0xff));
  }
  const len = checkHeader(b, 0, maxLength(ctx));
  if (len !== b.length) {
    throw new BgpError(ERR_HEADER, HDR_BAD_LENGTH, `length field ${len} but ${b.length} bytes given`, Uint8Array.of(b[16], b[17]));
  }
  switch (b[18]) {
    case MSG_UPDATE: return decodeUpdate(b, ctx);
    case MSG_OPEN: return decodeOpen(b);
    case MSG_KEEPALIVE: return { type: MSG_KEEPALIVE };
    case MSG_NOTIFICATION: return decodeNotification(b);
    case MSG_ROUTE_REFRESH: return decodeRouteRefresh(b);
  }
  throw new BgpError(ERR_HEADER, HDR_BAD_TYPE, `unknown message type ${b[18]}`, Uint8Array.of(b[18])); // unreachable: checkHeader
}
