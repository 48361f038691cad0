// The RIB's public face: the speaker and tests import from here.

export { Rib, type RibInit } from './rib.js';
export type {
  PeerInfo, RibPath, RibEntry, BestChange, ImportFilter, ExportFilter, RibOptions, PeerSession, PeerCounters, RejectReason,
} from './types.js';
export type { OutboundBatch } from './adj-rib-out.js';
export type { UpdateEncoder } from './update-encoder.js';
export { selectBest, rankPaths, multipathSet, multipathEqual, DEFAULT_LOCAL_PREF } from './decide.js';
export { exportAttrs } from './export-rules.js';
export { NO_EXPORT, NO_ADVERTISE, NO_EXPORT_SUBCONFED } from './communities.js';
export { asPathLength, neighborAs, prependAsn } from './as-path.js';
export { wireEncoder } from './wire-encoder.js';
