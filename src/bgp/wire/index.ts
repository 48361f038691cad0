// The BGP wire codec's public face. Everything other layers need from bgp/wire comes from here.

export * from './types.js';
export * from './errors.js';
export { parsePrefix, normalizePrefix, prefixContains, formatPrefix, type ParsedPrefix } from './prefix.js';
export { familyOf, familyAfiSafi, prefixFamily } from './family.js';
export {
  parseIpv4, parseIpv6, formatIpv4, formatIpv6, parseAddress, normalizeAddress,
} from './address.js';
export { MessageReader } from './reader.js';
export { decodeMessage } from './message.js';
export { encodeOpen, BGP_VERSION } from './open.js';
export { emptyCapabilities } from './capabilities.js';
export { encodeKeepalive, encodeNotification, encodeShutdownCommunication, decodeShutdownCommunication } from './notification.js';
export { encodeRouteRefresh } from './route-refresh.js';
export { encodeUpdate, maxLength } from './update.js';
export { packUpdates, packWithdrawals, encodeEndOfRib, endOfRibFamily } from './pack.js';
