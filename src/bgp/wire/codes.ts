// Numbers from the IANA BGP registries that more than one codec file needs.

// Path attribute flags (RFC 4271 §4.3). The low four bits are unused and ignored on receipt.
export const FLAG_OPTIONAL = 0x80;
export const FLAG_TRANSITIVE = 0x40;
export const FLAG_PARTIAL = 0x20;
export const FLAG_EXTENDED_LENGTH = 0x10;

// Path attribute type codes.
export const ATTR_ORIGIN = 1;
export const ATTR_AS_PATH = 2;
export const ATTR_NEXT_HOP = 3;
export const ATTR_MED = 4;
export const ATTR_LOCAL_PREF = 5;
export const ATTR_ATOMIC_AGGREGATE = 6;
export const ATTR_AGGREGATOR = 7;
export const ATTR_COMMUNITIES = 8;
export const ATTR_ORIGINATOR_ID = 9;
export const ATTR_CLUSTER_LIST = 10;
export const ATTR_MP_REACH_NLRI = 14;
export const ATTR_MP_UNREACH_NLRI = 15;
export const ATTR_EXTENDED_COMMUNITIES = 16;
export const ATTR_AS4_PATH = 17;
export const ATTR_AS4_AGGREGATOR = 18;
export const ATTR_LARGE_COMMUNITIES = 32;

// Capability codes (IANA "Capability Codes").
export const CAP_MULTIPROTOCOL = 1;
export const CAP_ROUTE_REFRESH = 2;
export const CAP_EXTENDED_MESSAGE = 6;
export const CAP_GRACEFUL_RESTART = 64;
export const CAP_ASN4 = 65;
export const CAP_ADD_PATH = 69;
export const CAP_ENHANCED_ROUTE_REFRESH = 70;

// OPEN optional parameter types.
export const PARAM_CAPABILITIES = 2;
/** RFC 9072: "Extended Length" marker in the Non-Ext OP Type position. */
export const PARAM_EXTENDED_LENGTH = 255;

/** Smallest legal length of each message type (RFC 4271 §4, RFC 2918). */
export const MIN_LENGTH_BY_TYPE: readonly number[] = [0, 29, 23, 21, 19, 23];
