// BGP error codes (RFC 4271 §4.5, RFC 4486, RFC 7313) and the one error type the codec throws.
// A BgpError always carries what the NOTIFICATION for it must say, so the session engine never
// has to guess a code from an exception.

export const ERR_HEADER = 1;
export const ERR_OPEN = 2;
export const ERR_UPDATE = 3;
export const ERR_HOLD_TIMER = 4;
export const ERR_FSM = 5;
export const ERR_CEASE = 6;
export const ERR_ROUTE_REFRESH = 7;

// Message Header Error subcodes
export const HDR_NOT_SYNCHRONIZED = 1;
export const HDR_BAD_LENGTH = 2;
export const HDR_BAD_TYPE = 3;

// OPEN Message Error subcodes
export const OPEN_UNSUPPORTED_VERSION = 1;
export const OPEN_BAD_PEER_AS = 2;
export const OPEN_BAD_BGP_ID = 3;
export const OPEN_UNSUPPORTED_OPTIONAL_PARAMETER = 4;
export const OPEN_UNACCEPTABLE_HOLD_TIME = 6;
export const OPEN_UNSUPPORTED_CAPABILITY = 7;

// UPDATE Message Error subcodes
export const UPD_MALFORMED_ATTRIBUTE_LIST = 1;
export const UPD_UNRECOGNIZED_WELLKNOWN = 2;
export const UPD_MISSING_WELLKNOWN = 3;
export const UPD_ATTRIBUTE_FLAGS = 4;
export const UPD_ATTRIBUTE_LENGTH = 5;
export const UPD_INVALID_ORIGIN = 6;
export const UPD_INVALID_NEXT_HOP = 8;
export const UPD_OPTIONAL_ATTRIBUTE = 9;
export const UPD_INVALID_NETWORK_FIELD = 10;
export const UPD_MALFORMED_AS_PATH = 11;

// FSM Error subcodes (RFC 6608)
export const FSM_UNEXPECTED_IN_OPENSENT = 1;
export const FSM_UNEXPECTED_IN_OPENCONFIRM = 2;
export const FSM_UNEXPECTED_IN_ESTABLISHED = 3;

// Cease subcodes (RFC 4486, RFC 9003)
export const CEASE_MAX_PREFIXES = 1;
export const CEASE_ADMIN_SHUTDOWN = 2;
export const CEASE_PEER_DECONFIGURED = 3;
export const CEASE_ADMIN_RESET = 4;
export const CEASE_CONNECTION_REJECTED = 5;
export const CEASE_OTHER_CONFIG_CHANGE = 6;
export const CEASE_COLLISION_RESOLUTION = 7;
export const CEASE_OUT_OF_RESOURCES = 8;
export const CEASE_HARD_RESET = 9;

// ROUTE-REFRESH Message Error subcodes (RFC 7313)
export const RR_INVALID_LENGTH = 1;

/** An error that ends the session with a NOTIFICATION carrying exactly these fields. */
export class BgpError extends Error {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  constructor(code: number, subcode: number, message: string, data: Uint8Array = new Uint8Array(0)) {
    super(message);
    this.name = 'BgpError';
    this.code = code;
    this.subcode = subcode;
    this.data = data;
  }
}

const CODE_NAMES: Record<number, string> = {
  1: 'Message Header Error', 2: 'OPEN Message Error', 3: 'UPDATE Message Error', 4: 'Hold Timer Expired',
  5: 'Finite State Machine Error', 6: 'Cease', 7: 'ROUTE-REFRESH Message Error',
};
/** Human text for logs and status, e.g. "Cease/Administrative Shutdown". */
export function notificationName(code: number, subcode: number): string {
  const sub: Record<number, Record<number, string>> = {
    1: { 1: 'Connection Not Synchronized', 2: 'Bad Message Length', 3: 'Bad Message Type' },
    2: { 1: 'Unsupported Version Number', 2: 'Bad Peer AS', 3: 'Bad BGP Identifier', 4: 'Unsupported Optional Parameter', 6: 'Unacceptable Hold Time', 7: 'Unsupported Capability' },
    3: { 1: 'Malformed Attribute List', 2: 'Unrecognized Well-known Attribute', 3: 'Missing Well-known Attribute', 4: 'Attribute Flags Error', 5: 'Attribute Length Error', 6: 'Invalid ORIGIN Attribute', 8: 'Invalid NEXT_HOP Attribute', 9: 'Optional Attribute Error', 10: 'Invalid Network Field', 11: 'Malformed AS_PATH' },
    5: { 1: 'Unexpected Message in OpenSent', 2: 'Unexpected Message in OpenConfirm', 3: 'Unexpected Message in Established' },
    6: { 1: 'Maximum Number of Prefixes Reached', 2: 'Administrative Shutdown', 3: 'Peer De-configured', 4: 'Administrative Reset', 5: 'Connection Rejected', 6: 'Other Configuration Change', 7: 'Connection Collision Resolution', 8: 'Out of Resources', 9: 'Hard Reset' },
    7: { 1: 'Invalid Message Length' },
  };
  const c = CODE_NAMES[code] ?? `code ${code}`;
  const s = sub[code]?.[subcode] ?? (subcode === 0 ? '' : `subcode ${subcode}`);
  return s ? `${c}/${s}` : c;
}
