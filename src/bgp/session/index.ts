// The session engine's public face: `Session` is the engine wired to the real wire codec.
import type net from 'node:net';
import { MessageReader, decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh } from '../wire/index.js';
import type { Clock } from './clock.js';
import type { SessionCodec } from './codec.js';
import type { Logger } from './log.js';
import { SessionCore, type SessionOptions } from './session.js';
import type { ConnectParams, SessionConfig } from './types.js';

export const wireCodec: SessionCodec = {
  newReader: (maxLength) => new MessageReader(maxLength),
  decodeMessage,
  encodeOpen,
  encodeKeepalive,
  encodeNotification,
  encodeRouteRefresh,
};

export class Session extends SessionCore {
  constructor(
    cfg: SessionConfig,
    opts: { clock?: Clock; connect?: (c: ConnectParams) => net.Socket; log?: Logger } & Omit<SessionOptions, 'codec'> = {},
  ) {
    super(cfg, { ...opts, codec: wireCodec });
  }
}

export { SessionCore, type SessionEvents, type SessionOptions } from './session.js';
export type { SessionState, SessionConfig, Negotiated, DownReason, SessionStats, ConnectParams } from './types.js';
export { DEFAULT_PORT, DEFAULT_HOLD_TIME, DEFAULT_CONNECT_RETRY_TIME } from './types.js';
export { systemClock, ManualClock, type Clock, type TimerHandle } from './clock.js';
export { silentLogger, type Logger, type LogFields } from './log.js';
export type { SessionCodec, MessageFramer } from './codec.js';
export { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { buildOpen, negotiate, peerAsnOf, validateConfig } from './open.js';
export { collisionWinner } from './collision.js';
export { encodeShutdownCommunication, decodeShutdownCommunication } from './shutdown-communication.js';
