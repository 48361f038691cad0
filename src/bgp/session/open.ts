// The OPEN exchange as pure functions: what we advertise (buildOpen) and what both sides agreed
// on (negotiate). negotiate() throws the BgpError whose NOTIFICATION the session must send.
import {
  BgpError,
  ERR_OPEN,
  OPEN_BAD_BGP_ID,
  OPEN_BAD_PEER_AS,
  OPEN_UNACCEPTABLE_HOLD_TIME,
  OPEN_UNSUPPORTED_VERSION,
} from '../wire/errors.js';
import { AS_TRANS, type Capabilities, type CodecContext, type Family, type OpenMessage } from '../wire/types.js';
import { familyAfiSafi as afiSafiOf, familyOf as familyFromAfiSafi } from '../wire/family.js';
import { isValidRouterId } from './router-id.js';
import { DEFAULT_FAMILIES, DEFAULT_HOLD_TIME, type Negotiated, type SessionConfig } from './types.js';

export type OpenBody = Omit<OpenMessage, 'type'>;

/** Addresses of the TCP connection the OPENs travelled on. */
export interface Endpoints {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

export function configuredFamilies(cfg: SessionConfig): Family[] {
  return [...(cfg.families ?? DEFAULT_FAMILIES)];
}

/** Throws a plain Error for a configuration no session could run with (caught by the caller). */
export function validateConfig(cfg: SessionConfig): void {
  const asn = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 0xffffffff;
  if (!asn(cfg.localAsn)) throw new Error(`invalid local ASN ${cfg.localAsn}`);
  if (!asn(cfg.peerAsn)) throw new Error(`invalid peer ASN ${cfg.peerAsn}`);
  if (!isValidRouterId(cfg.routerId)) throw new Error(`invalid router id ${cfg.routerId}`);
  const hold = cfg.holdTime ?? DEFAULT_HOLD_TIME;
  if (!Number.isInteger(hold) || hold < 0 || hold > 65535 || hold === 1 || hold === 2) {
    throw new Error(`invalid hold time ${hold}: must be 0 or 3..65535 seconds`);
  }
  if (cfg.keepaliveTime !== undefined && !(Number.isInteger(cfg.keepaliveTime) && cfg.keepaliveTime >= 0)) {
    throw new Error(`invalid keepalive time ${cfg.keepaliveTime}`);
  }
  if (cfg.connectRetryTime !== undefined && !(cfg.connectRetryTime > 0)) {
    throw new Error(`invalid connect retry time ${cfg.connectRetryTime}`);
  }
  if (cfg.delayOpenTime !== undefined && !(Number.isInteger(cfg.delayOpenTime) && cfg.delayOpenTime >= 0 && cfg.delayOpenTime <= 240)) {
    throw new Error(`invalid delay open time ${cfg.delayOpenTime}: must be 0..240 seconds`);
  }
  if (cfg.port !== undefined && !(Number.isInteger(cfg.port) && cfg.port > 0 && cfg.port < 65536)) {
    throw new Error(`invalid port ${cfg.port}`);
  }
  if (configuredFamilies(cfg).length === 0) throw new Error('no address families configured');
}

export function buildOpen(cfg: SessionConfig): OpenBody {
  const families = configuredFamilies(cfg);
  const caps: Capabilities = {
    multiprotocol: families.map(afiSafiOf),
    routeRefresh: true,
    enhancedRouteRefresh: true,
    asn4: cfg.localAsn,
    extendedMessage: cfg.extendedMessage ?? true,
    unknown: [],
  };
  if (cfg.gracefulRestart) {
    const gr = cfg.gracefulRestart;
    caps.gracefulRestart = {
      restartState: gr.restarting,
      notification: false,
      restartTime: gr.restartTime,
      families: families.map((f) => ({ ...afiSafiOf(f), forwarding: gr.forwarding })),
    };
  }
  const ap = cfg.addPath
    ? families.flatMap((f) => {
        const a = cfg.addPath?.[f];
        return a && (a.send || a.receive) ? [{ ...afiSafiOf(f), send: a.send, receive: a.receive }] : [];
      })
    : [];
  if (ap.length > 0) caps.addPath = { families: ap };
  return {
    version: 4,
    myAsn: cfg.localAsn > 0xffff ? AS_TRANS : cfg.localAsn,
    holdTime: cfg.holdTime ?? DEFAULT_HOLD_TIME,
    routerId: cfg.routerId,
    capabilities: caps,
  };
}

/** The peer's real ASN: the 4-octet capability wins over the 2-octet My AS field (RFC 6793). */
export function peerAsnOf(open: OpenBody): number {
  return open.capabilities.asn4 ?? open.myAsn;
}

export function negotiate(cfg: SessionConfig, ours: OpenBody, peer: OpenBody, ends: Endpoints): Negotiated {
  if (peer.version !== 4) {
    throw new BgpError(ERR_OPEN, OPEN_UNSUPPORTED_VERSION, `unsupported BGP version ${peer.version}`, new Uint8Array([0, 4]));
  }
  const peerAsn = peerAsnOf(peer);
  if (peerAsn !== cfg.peerAsn) {
    throw new BgpError(ERR_OPEN, OPEN_BAD_PEER_AS, `peer AS ${peerAsn} does not match configured AS ${cfg.peerAsn}`);
  }
  const ebgp = cfg.peerAsn !== cfg.localAsn;
  if (!isValidRouterId(peer.routerId)) {
    throw new BgpError(ERR_OPEN, OPEN_BAD_BGP_ID, `invalid peer router id ${peer.routerId}`);
  }
  if (!ebgp && peer.routerId === cfg.routerId) {
    throw new BgpError(ERR_OPEN, OPEN_BAD_BGP_ID, `iBGP peer has our own router id ${peer.routerId}`);
  }
  if (peer.holdTime === 1 || peer.holdTime === 2) {
    throw new BgpError(ERR_OPEN, OPEN_UNACCEPTABLE_HOLD_TIME, `unacceptable hold time ${peer.holdTime}`);
  }
  const holdTime = Math.min(ours.holdTime, peer.holdTime);
  // Keepalive: the configured interval, but never more than a third of the negotiated hold time.
  const wantKeepalive = cfg.keepaliveTime ?? Math.floor(ours.holdTime / 3);
  const keepaliveTime = holdTime === 0 ? 0 : Math.max(1, Math.min(wantKeepalive, Math.floor(holdTime / 3)));

  const pc = peer.capabilities;
  const ourFamilies = configuredFamilies(cfg);
  const peerFamilies = new Set<Family>();
  if (pc.multiprotocol.length === 0) {
    // RFC 4760 §8: a peer without the MP capability speaks IPv4 unicast only.
    peerFamilies.add('ipv4-unicast');
  } else {
    for (const m of pc.multiprotocol) {
      const f = familyFromAfiSafi(m.afi, m.safi);
      if (f) peerFamilies.add(f);
    }
  }
  const families = ourFamilies.filter((f) => peerFamilies.has(f));

  const oc = ours.capabilities;
  const asn4 = oc.asn4 !== undefined && pc.asn4 !== undefined;
  const extendedMessage = oc.extendedMessage && pc.extendedMessage;
  const addPathReceive = new Set<Family>();
  const addPathSend = new Set<Family>();
  for (const mine of oc.addPath?.families ?? []) {
    const f = familyFromAfiSafi(mine.afi, mine.safi);
    if (!f || !families.includes(f)) continue;
    const theirs = pc.addPath?.families.find((x) => x.afi === mine.afi && x.safi === mine.safi);
    if (!theirs) continue;
    if (mine.receive && theirs.send) addPathReceive.add(f);
    if (mine.send && theirs.receive) addPathSend.add(f);
  }
  const codec: CodecContext = { asn4, extendedMessage, addPathReceive, addPathSend, ebgp };
  return {
    holdTime,
    keepaliveTime,
    asn4,
    peerAsn,
    peerRouterId: peer.routerId,
    families,
    routeRefresh: oc.routeRefresh && pc.routeRefresh,
    enhancedRouteRefresh: oc.enhancedRouteRefresh && pc.enhancedRouteRefresh,
    extendedMessage,
    peerGracefulRestart: pc.gracefulRestart,
    codec,
    ...ends,
  };
}
