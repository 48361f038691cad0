// Public surface of the IPVS generic netlink layer.
export * from './types.js';
export { IpvsClient, opRequest, type IpvsOp } from './client.js';
export { IpvsRequestError, IpvsResyncError, type IpvsTransport } from './transport.js';
export { RawIpvsTransport } from './raw-transport.js';
export { SocketIpvsTransport } from './socket-transport.js';
export { canonicalAddr, familyOf } from './address.js';
export { serviceIdKey, destKey } from './keys.js';
export * as ipvsMessages from './messages.js';
