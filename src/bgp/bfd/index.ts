// BFD (RFC 5880 asynchronous mode, RFC 5881 single hop) for BGP sessions.
export { encodeControl, decodeControl, Diag, STATE_CODES, BFD_VERSION, BFD_CONTROL_LEN, type BfdControl, type BfdState, type DecodeResult } from './packet.js';
export { transmitInterval, jitter, detectionTime, SLOW_START_US } from './timers.js';
export { BfdSession, type BfdTimers, type BfdSessionView, type BfdSessionEvents } from './session.js';
export { bfdTimers, bfdConfigProblem, BFD_DEFAULTS, type BfdPeerConfig } from './config.js';
export { BfdManager, udpSockets, type BfdSocketFactory, type BfdPeerView } from './manager.js';
export { ttlFilterProgram, encodeBpf } from './ttl-filter.js';
