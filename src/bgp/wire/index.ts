// The BGP wire codec's public face. Everything other layers need from bgp/wire comes from here.

export * from './types.js';
export * from './errors.js';
export { parsePrefix, normalizePrefix, prefixContains, formatPrefix, type ParsedPrefix } from './prefix.js';
export { familyOf, familyAfiSafi, prefixFamily } from './family.js';
export {
  parseIpv4, parseIpv6, formatIpv4, formatIpv6, parseAddress, normalizeAddress,
} from './address.js';
