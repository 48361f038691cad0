// The BFD Control packet (RFC 5880 §4.1) and the receive-side discard rules of §6.8.6 that need
// no session. Pure: Buffer ⇄ BfdControl. Intervals are in microseconds, as on the wire.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
// |                       My Discriminator                        |
// |                      Your Discriminator                       |
// |                    Desired Min TX Interval                    |
// |                   Required Min RX Interval                    |
// |                 Required Min Echo RX Interval                 |

export const BFD_VERSION = 1;
/** Length of a Control packet without the Authentication Section. */
export const BFD_CONTROL_LEN = 24;

export type BfdState = 'AdminDown' | 'Down' | 'Init' | 'Up';
export const STATE_CODES: readonly BfdState[] = ['AdminDown', 'Down', 'Init', 'Up'];

/** Diagnostic codes (RFC 5880 §4.1). */
export const Diag = {
  None: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;
export type DiagCode = (typeof Diag)[keyof typeof Diag];

export interface BfdControl {
  version: number;
  diag: number;
  state: BfdState;
  /** P: Poll. */
  poll: boolean;
  /** F: Final. */
  final: boolean;
  /** C: Control Plane Independent. */
  cpi: boolean;
  /** A: Authentication Present. */
  auth: boolean;
  /** D: Demand. */
  demand: boolean;
  /** M: Multipoint (reserved, must be zero). */
  multipoint: boolean;
  detectMult: number;
  /** The Length field (bytes), including any Authentication Section. */
  length: number;
  myDiscriminator: number;
  yourDiscriminator: number;
  /** µs */
  desiredMinTx: number;
  /** µs */
  requiredMinRx: number;
  /** µs */
  requiredMinEchoRx: number;
}

export type BfdControlInit = Partial<BfdControl> & Pick<BfdControl, 'state' | 'detectMult' | 'myDiscriminator' | 'desiredMinTx' | 'requiredMinRx'>;

/** Encodes a Control packet without an Authentication Section (we never set A). */
export function encodeControl(p: BfdControlInit): Buffer {
  const b = Buffer.alloc(BFD_CONTROL_LEN);
  const version = p.version ?? BFD_VERSION;
  const diag = p.diag ?? 0;
  b[0] = ((version & 0x7) << 5) | (diag & 0x1f);
  b[1] = (STATE_CODES.indexOf(p.state) << 6)
    | (p.poll ? 0x20 : 0) | (p.final ? 0x10 : 0) | (p.cpi ? 0x08 : 0)
    | (p.auth ? 0x04 : 0) | (p.demand ? 0x02 : 0) | (p.multipoint ? 0x01 : 0);
  b[2] = p.detectMult & 0xff;
  b[3] = p.length ?? BFD_CONTROL_LEN;
  b.writeUInt32BE(p.myDiscriminator >>> 0, 4);
  b.writeUInt32BE((p.yourDiscriminator ?? 0) >>> 0, 8);
  b.writeUInt32BE(p.desiredMinTx >>> 0, 12);
  b.writeUInt32BE(p.requiredMinRx >>> 0, 16);
  b.writeUInt32BE((p.requiredMinEchoRx ?? 0) >>> 0, 20);
  return b;
}

export type DecodeResult = { ok: true; packet: BfdControl } | { ok: false; reason: string };

/**
 * Decodes and applies the RFC 5880 §6.8.6 rules that need no session state; a failure means the
 * packet MUST be discarded. `authConfigured`: we support no authentication, so a packet with the
 * A bit is always discarded (the rule "A bit set and no authentication in use").
 */
export function decodeControl(buf: Uint8Array, authConfigured = false): DecodeResult {
  if (buf.length < BFD_CONTROL_LEN) return { ok: false, reason: `short packet (${buf.length} bytes)` };
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = b[0] >> 5;
  const flags = b[1];
  const p: BfdControl = {
    version,
    diag: b[0] & 0x1f,
    state: STATE_CODES[flags >> 6],
    poll: (flags & 0x20) !== 0,
    final: (flags & 0x10) !== 0,
    cpi: (flags & 0x08) !== 0,
    auth: (flags & 0x04) !== 0,
    demand: (flags & 0x02) !== 0,
    multipoint: (flags & 0x01) !== 0,
    detectMult: b[2],
    length: b[3],
    myDiscriminator: b.readUInt32BE(4),
    yourDiscriminator: b.readUInt32BE(8),
    desiredMinTx: b.readUInt32BE(12),
    requiredMinRx: b.readUInt32BE(16),
    requiredMinEchoRx: b.readUInt32BE(20),
  };
  if (version !== BFD_VERSION) return { ok: false, reason: `version ${version}` };
  if (p.length < (p.auth ? 26 : BFD_CONTROL_LEN)) return { ok: false, reason: `length field ${p.length} too small` };
  if (p.length > b.length) return { ok: false, reason: `length field ${p.length} exceeds the ${b.length} bytes received` };
  if (p.detectMult === 0) return { ok: false, reason: 'detect mult 0' };
  if (p.multipoint) return { ok: false, reason: 'multipoint bit set' };
  if (p.myDiscriminator === 0) return { ok: false, reason: 'my discriminator 0' };
  if (p.yourDiscriminator === 0 && p.state !== 'Down' && p.state !== 'AdminDown') {
    return { ok: false, reason: `your discriminator 0 in state ${p.state}` };
  }
  if (p.auth && !authConfigured) return { ok: false, reason: 'authentication present but not configured' };
  if (!p.auth && authConfigured) return { ok: false, reason: 'authentication configured but absent' };
  return { ok: true, packet: p };
}
