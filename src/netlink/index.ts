// Public surface of the netlink layer (socket, generic netlink, codecs). IPVS lives in ./ipvs,
// rtnetlink routes in ./route.
export * from './constants.js';
export { NetlinkError, NetlinkResyncError, NetlinkSyscallError, errnoName, type ResyncReason } from './errors.js';
export { openNetlink, NetlinkSocket, type OpenNetlinkOptions, type RequestOptions, type DumpOptions, type BulkOptions, type BulkResult, type BulkEncoder } from './socket.js';
export { NetlinkWriter } from './writer.js';
export { parseMessages, parseAck, parseDone, type NetlinkMessage, type NetlinkAck } from './message.js';
export { forEachAttribute, parseAttributes, listAttributes, attrU8, attrU16, attrU32, attrI32, attrString } from './attributes.js';
export {
  resolveGenlFamily,
  listGenlFamilies,
  writeGenlHeader,
  parseGenlMessage,
  parseGenlFamily,
  GENL_ID_CTRL,
  GENL_HDRLEN,
  type GenlFamily,
  type GenlMessage,
} from './genl.js';
export { withNetns, netnsPath } from './netns.js';
