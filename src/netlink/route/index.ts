// Public surface of the rtnetlink route layer.
export * from './constants.js';
export { addRoute, replaceRoute, deleteRoute, applyRouteOps, dumpRoutes, dumpLinks, dumpAddrs, type RouteOp } from './rtnl.js';
export { writeRoute, writeRouteKey, writeRouteDumpRequest, parseRoute, type KernelRoute, type RouteSpec } from './route.js';
export { writeMultipath, parseMultipath, writeGateway, parseVia, type NextHop } from './multipath.js';
export { parseLink, writeLinkDumpRequest, type Link } from './link.js';
export { parseAddr, writeAddrDumpRequest, type InterfaceAddress } from './addr.js';
export { prefixToBytes, addressToBytes, bytesToAddress, bytesToPrefix, familyOfAddress, inSubnet, type PrefixBytes } from './address.js';
export { PODROUTE_RTPROT_DEFAULT, checkRouteProtocol } from './protocol.js';
