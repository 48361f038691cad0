// The RIB: Adj-RIB-In per peer → decision → Loc-RIB → Adj-RIB-Out per peer. Pure: no sockets, no
// timers; the speaker feeds decoded UPDATEs in and pulls best-path changes and packed UPDATEs out.
//
// Speed comes from doing per-UPDATE work once: an UPDATE's attribute set is interned by its raw
// bytes, loop-checked, and wrapped in ONE RibPath shared by all its ~900 prefixes; per prefix we do
// one lookup in the prefix table and (only when a prefix has several paths) the decision. Changes
// are recorded on the entry itself (dirty flag, journal position), so a million new prefixes cost
// no side sets.
//
// Adj-RIB-In is not a table of its own: like BIRD and FRR, a peer's accepted paths hang off the
// Loc-RIB entries (found by peer id and ADD-PATH id in the entry's short path list), so a full
// table costs one index, not one per peer. Only rejected paths (loops, import filter) sit in a
// small per-peer map. The price: peerDown and the Adj-RIB-In listing walk the Loc-RIB, once.
//
// Outbound: every entry whose paths changed is appended once to a journal shared by all peers;
// each established peer has a cursor into it (plus, right after peerUp, an iterator over the
// whole Loc-RIB for the initial dump, then End-of-RIB). Peers pull at their own pace through
// takeOutbound, and each entry is diffed against that peer's Adj-RIB-Out only when pulled, so a
// prefix that flaps ten times between pulls is sent once, and not at all if it ends unchanged.

import {
  familyOf,
  normalizePrefix,
  prefixFamily,
  type CodecContext,
  type Family,
  type NlriList,
  type PathAttributes,
  type UpdateMessage,
} from '../wire/index.js';
import { AdjRibOut, BatchBuilder, withSlot, type OutboundBatch } from './adj-rib-out.js';
import { AttrCache, attrsSignature } from './attr-cache.js';
import { comparePair, multipathEqual, multipathSet, rankPaths, type DecisionContext } from './decide.js';
import type { ExportContext } from './export-rules.js';
import { newEntry, NO_PATHS, setEntryPaths, type LocEntry } from './loc-entry.js';
import { loopReason, type LoopContext } from './loop-check.js';
import { PathIdAllocator } from './path-ids.js';
import { PrefixTable } from './prefix-table.js';
import { Path, samePathList } from './rib-path.js';
import type {
  BestChange,
  ExportFilter,
  ImportFilter,
  PeerCounters,
  PeerInfo,
  PeerSession,
  RejectReason,
  RibEntry,
  RibOptions,
  RibPath,
} from './types.js';
import type { UpdateEncoder } from './update-encoder.js';
import { wireEncoder } from './wire-encoder.js';

/** Entries diffed per outbound step: bounds the work (and batch memory) of one takeOutbound slice. */
const OUTBOUND_CHUNK = 16384;

interface OutboundQueue {
  adjOut: AdjRibOut;
  codec: CodecContext;
  /** Initial dump in progress: the rest of the Loc-RIB to walk. */
  dump: Iterator<LocEntry> | null;
  /** Families to send End-of-RIB for when the dump finishes. */
  eorPending: Family[];
  /** The dump re-sends what the peer already has (route refresh), not just differences. */
  resend: boolean;
  /** Absolute journal position this peer has diffed up to. */
  cursor: number;
  batches: OutboundBatch[];
  encoded: Buffer[];
}

interface PeerState {
  info: PeerInfo;
  /** Accepted paths in the Loc-RIB (per prefix and path id). */
  accepted: number;
  /** `accepted` split by family (maximum-prefix limits are per family). */
  acceptedByFamily: Record<Family, number>;
  /** Received but not eligible: "prefix" or "prefix#pathId" → path. */
  rejected: Map<string, Path>;
  routerId: string;
  out: OutboundQueue | null;
}

export interface RibInit extends RibOptions {
  /** Turns outbound batches into UPDATE messages; the wire codec's packer by default. */
  encoder?: UpdateEncoder;
}

const adjInKey = (prefix: string, pathId: number | undefined): string => (pathId === undefined ? prefix : prefix + '#' + pathId);
const prefixOfKey = (key: string): string => {
  const i = key.indexOf('#');
  return i < 0 ? key : key.slice(0, i);
};

/** `[p]`, shared (every RibPath the RIB holds is a Path; anything else gets a fresh array). */
const soloOf = (p: RibPath): RibPath[] => (p instanceof Path ? p.solo : [p]);

function indexOfSource(paths: readonly RibPath[], peerId: string | null, pathId: number | undefined): number {
  for (let i = 0; i < paths.length; i++) if (paths[i].peerId === peerId && paths[i].pathId === pathId) return i;
  return -1;
}

export class Rib {
  private readonly localAsn: number;
  private readonly routerId: string;
  private readonly decision: DecisionContext;
  private readonly loopCtx: LoopContext;
  private readonly exportCtx: ExportContext;
  private readonly now: () => number;
  private readonly importFilter?: ImportFilter;
  private readonly exportFilter?: ExportFilter;
  private readonly encoder: UpdateEncoder;

  private readonly attrCache = new AttrCache();
  private readonly peers = new Map<string, PeerState>();
  private readonly loc = new PrefixTable<LocEntry>();
  private readonly familySize = { 'ipv4-unicast': 0, 'ipv6-unicast': 0 };
  private readonly originated = new Map<string, Path>();
  /** Removed entries whose removal is not yet drained: reused if the prefix returns before. */
  private readonly limbo = new Map<string, LocEntry>();
  private dirty: LocEntry[] = [];

  private journal: LocEntry[] = [];
  private journalBase = 0;
  private maxCursor = 0;
  private outPeers = 0;
  /** Slots in entries' `out` arrays: index = slot, true = taken by an established peer. */
  private readonly slots: boolean[] = [];
  private readonly builder = new BatchBuilder();
  /** ADD-PATH send: path ids per (prefix, source path), shared by every peer we send several paths to. */
  private readonly pathIds = new PathIdAllocator();

  constructor(opts: RibInit) {
    this.localAsn = opts.localAsn;
    this.routerId = opts.routerId;
    const clusterId = opts.clusterId ?? opts.routerId;
    this.decision = { localAsn: opts.localAsn, maxPaths: Math.max(1, opts.maxPaths ?? 8) };
    this.loopCtx = { localAsn: opts.localAsn, routerId: opts.routerId, clusterId };
    this.exportCtx = { localAsn: opts.localAsn, routerId: opts.routerId, clusterId };
    this.now = opts.now ?? Date.now;
    this.importFilter = opts.importFilter;
    this.exportFilter = opts.exportFilter;
    this.encoder = opts.encoder ?? wireEncoder;
  }

  // ---- peers ----

  addPeer(p: PeerInfo): void {
    if (this.peers.has(p.id)) return this.updatePeer(p);
    this.peers.set(p.id, { info: p, accepted: 0, acceptedByFamily: { 'ipv4-unicast': 0, 'ipv6-unicast': 0 }, rejected: new Map(), routerId: p.routerId ?? p.address, out: null });
  }

  /**
   * New configuration for a peer (or the same one, to have its exports re-evaluated after an export
   * policy change). What we advertise to this peer is recomputed and diffed against what it has;
   * other peers are recomputed only when a field that shapes their copies of this peer's routes
   * changed (route-reflector client, router id, eBGP/iBGP). Paths already received keep the
   * attributes they were stored with.
   */
  updatePeer(p: PeerInfo): void {
    const st = this.peers.get(p.id);
    if (!st) return this.addPeer(p);
    const old = st.info;
    st.info = p;
    if (p.routerId !== undefined && st.out === null) st.routerId = p.routerId;
    if (st.out) this.redump(st);
    if (old.rrClient !== p.rrClient || old.routerId !== p.routerId || old.ebgp !== p.ebgp) {
      for (const other of this.peers.values()) if (other !== st && other.out) this.redump(other);
    }
  }

  /** Recompute everything this peer should have; the diff against its Adj-RIB-Out sends only changes. */
  private redump(st: PeerState): void {
    const out = st.out!;
    out.adjOut.invalidate(st.info);
    out.dump = this.loc.valuesSnapshot().values();
    out.resend = false;
  }

  removePeer(id: string): void {
    if (!this.peers.has(id)) return;
    this.peerDown(id);
    this.peers.delete(id);
  }

  /**
   * The session is established: queue the full table (then End-of-RIB) toward the peer. Called
   * again while established (the speaker does so for a ROUTE-REFRESH), it is routeRefresh.
   */
  peerUp(id: string, s: PeerSession): void {
    const st = this.peer(id);
    if (st.out) return this.routeRefresh(id);
    st.routerId = s.routerId;
    let slot = this.slots.indexOf(false);
    if (slot < 0) slot = this.slots.length;
    this.slots[slot] = true;
    // ADD-PATH send only where negotiated (we offered send and the peer can receive).
    const addPathFamilies = new Set(s.families.filter((f) => s.codec.addPathSend.has(f)));
    const addPath = addPathFamilies.size > 0 ? { families: addPathFamilies, ids: this.pathIds } : undefined;
    const adjOut = new AdjRibOut(slot, st.info, new Set(s.families), (src) => this.peers.get(src)?.info, this.exportCtx, this.attrCache, this.exportFilter, addPath);
    const cursor = this.journalBase + this.journal.length;
    st.out = { adjOut, codec: s.codec, dump: this.loc.valuesSnapshot().values(), eorPending: [...s.families], resend: false, cursor, batches: [], encoded: [] };
    this.outPeers++;
    if (cursor > this.maxCursor) this.maxCursor = cursor;
  }

  /**
   * ROUTE-REFRESH (RFC 2918): send the peer everything we advertise again. What it has is kept,
   * so withdrawals still pending for it are not lost; no End-of-RIB (that marks a session start).
   */
  routeRefresh(id: string): void {
    const q = this.peer(id).out;
    if (!q) return;
    q.dump = this.loc.valuesSnapshot().values();
    q.resend = true;
  }

  /**
   * The session is gone. Its paths leave the Loc-RIB, or with keepStale (graceful restart helper)
   * stay, marked stale, until re-announced or swept.
   */
  peerDown(id: string, opts?: { keepStale?: boolean }): void {
    const st = this.peer(id);
    if (st.out) this.closeOutbound(st);
    if (opts?.keepStale) {
      for (const e of this.loc.values()) for (const p of e.paths) if (p.peerId === id) p.stale = true;
      for (const p of st.rejected.values()) p.stale = true;
      return;
    }
    this.dropPeerPaths(id, () => true);
    st.accepted = 0;
    st.acceptedByFamily = { 'ipv4-unicast': 0, 'ipv6-unicast': 0 };
    st.rejected.clear();
  }

  /** End of graceful restart: drop the peer's paths still stale (in one family, or all). */
  sweepStale(id: string, family?: Family): void {
    const st = this.peer(id);
    st.accepted -= this.dropPeerPaths(id, (p) => p.stale === true, family);
    for (const [key, p] of st.rejected) {
      if (p.stale && (family === undefined || prefixFamily(key) === family)) st.rejected.delete(key);
    }
  }

  /** Remove the peer's paths that match from every entry (of one family); returns how many. */
  private dropPeerPaths(id: string, which: (p: RibPath) => boolean, family?: Family): number {
    let removed = 0;
    for (const e of this.loc.valuesSnapshot()) {
      if (family !== undefined && e.family !== family) continue;
      const old = e.paths;
      let hit = false;
      for (const p of old) if (p.peerId === id && which(p)) hit = true;
      if (!hit) continue;
      const next = old.filter((p) => !(p.peerId === id && which(p)));
      removed += old.length - next.length;
      const st = this.peers.get(id);
      if (st) st.acceptedByFamily[e.family] -= old.length - next.length;
      if (next.length === 0) this.removeEntry(e);
      else this.setPaths(e, next);
    }
    return removed;
  }

  // ---- input ----

  /** Adj-RIB-In first, then the decision for the touched prefixes only. */
  applyUpdate(peerId: string, u: UpdateMessage): void {
    const st = this.peer(peerId);
    const a = u.attributes;
    if (u.withdrawn.prefixes.length > 0) this.withdrawList(st, u.withdrawn);
    if (a?.mpUnreach && familyOf(a.mpUnreach.afi, a.mpUnreach.safi) !== null) this.withdrawList(st, a.mpUnreach.withdrawn);
    const mp = a?.mpReach;
    const mpFamily = mp ? familyOf(mp.afi, mp.safi) : null;
    if (u.treatAsWithdraw !== undefined) {
      if (u.nlri.prefixes.length > 0) this.withdrawList(st, u.nlri);
      if (mp && mpFamily) this.withdrawList(st, mp.nlri);
      return;
    }
    if (!a) return;
    const now = this.now();
    if (u.nlri.prefixes.length > 0) {
      this.announceList(st, u.nlri, 'ipv4-unicast', a, a.nextHop ?? '', undefined, u.attrKey, now);
    }
    if (mp && mpFamily && mp.nlri.prefixes.length > 0) {
      this.announceList(st, mp.nlri, mpFamily, a, mp.nextHop, mp.linkLocalNextHop, u.attrKey, now);
    }
  }

  private withdrawList(st: PeerState, list: NlriList): void {
    const { prefixes, pathIds } = list;
    const peerId = st.info.id;
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i];
      const pathId = pathIds?.[i];
      if (this.locRemove(prefix, peerId, pathId) !== undefined) {
        st.accepted--;
        st.acceptedByFamily[prefix.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast']--;
      } else if (st.rejected.size > 0) st.rejected.delete(adjInKey(prefix, pathId));
    }
  }

  /** Interned attributes for this UPDATE: next hop made explicit, MP attributes gone. */
  private internReceived(st: PeerState, a: PathAttributes, nextHop: string, linkLocal: string | undefined, attrKey: string | undefined): PathAttributes {
    const ebgp = st.info.ebgp;
    const key = (ebgp ? 'e' : 'i') + nextHop + '\0' + (linkLocal ?? '') + '\0' + (attrKey ?? attrsSignature(a));
    return this.attrCache.intern(key, () => {
      const { mpReach: _r, mpUnreach: _u, ...rest } = a;
      rest.nextHop = nextHop;
      if (linkLocal !== undefined) rest.linkLocalNextHop = linkLocal;
      else delete rest.linkLocalNextHop;
      // LOCAL_PREF is meaningful only inside our AS: one from an eBGP peer is ignored (RFC 4271 §5.1.5).
      if (ebgp) delete rest.localPref;
      return rest;
    });
  }

  private announceList(
    st: PeerState,
    list: NlriList,
    family: Family,
    received: PathAttributes,
    nextHop: string,
    linkLocal: string | undefined,
    attrKey: string | undefined,
    now: number,
  ): void {
    const attrs = this.internReceived(st, received, nextHop, linkLocal, attrKey);
    const loop = loopReason(attrs, this.loopCtx);
    const info = st.info;
    const peerId = info.id;
    const makePath = (pa: PathAttributes, pathId: number | undefined, rejected: RejectReason | undefined): Path =>
      new Path(peerId, pa, pa.nextHop ?? nextHop, info.ebgp, info.asn, st.routerId, info.address, now, pathId, rejected);

    const { prefixes, pathIds } = list;
    const filter = loop === undefined ? this.importFilter : undefined;
    // Fast path: no ADD-PATH ids, no import filter: one path object for every prefix.
    const shared = pathIds === undefined && filter === undefined ? makePath(attrs, undefined, loop) : null;
    // Slow path: a few distinct paths per UPDATE (per path id × filter outcome), made on demand.
    const variants = shared === null ? new Map<PathAttributes, Map<string, Path>>() : null;
    // A filter that returns one object for many prefixes (policy results are memoized) is interned once.
    let lastOut: PathAttributes | null = null;
    let lastInterned = attrs;
    const variant = (pa: PathAttributes | null, pathId: number | undefined): Path => {
      let result = attrs;
      if (pa !== null && pa !== attrs) {
        if (pa !== lastOut) {
          lastOut = pa;
          lastInterned = this.attrCache.internByContent(pa);
        }
        result = lastInterned;
      }
      const rejected = pa === null ? 'import-filter' : loop;
      let byKey = variants!.get(result);
      if (byKey === undefined) variants!.set(result, (byKey = new Map()));
      const key = `${pathId ?? ''}|${rejected ?? ''}`;
      let p = byKey.get(key);
      if (p === undefined) byKey.set(key, (p = makePath(result, pathId, rejected)));
      return p;
    };

    const rejected = st.rejected;
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i];
      const pathId = pathIds === undefined ? undefined : pathIds[i];
      const path = shared !== null ? shared : variant(filter ? filter(info, prefix, attrs) : attrs, pathId);
      if (path.rejected === undefined) {
        if (rejected.size > 0) rejected.delete(adjInKey(prefix, pathId));
        if (!this.locPut(prefix, family, path)) {
          st.accepted++;
          st.acceptedByFamily[family]++;
        }
      } else {
        if (this.locRemove(prefix, peerId, pathId) !== undefined) {
          st.accepted--;
          st.acceptedByFamily[family]--;
        }
        rejected.set(adjInKey(prefix, pathId), path);
      }
    }
  }

  /** Announce a prefix of our own (ORIGIN IGP, empty AS_PATH unless given). */
  originate(prefix: string, attrs?: Partial<PathAttributes>): void {
    const canon = normalizePrefix(prefix);
    const family = prefixFamily(canon);
    const nextHop = attrs?.nextHop ?? (family === 'ipv6-unicast' ? '::' : '0.0.0.0');
    const full: PathAttributes = { origin: 0, asPath: [], ...attrs, nextHop };
    delete full.mpReach;
    delete full.mpUnreach;
    const interned = this.attrCache.internByContent(full);
    const path = new Path(null, interned, nextHop, false, this.localAsn, this.routerId, '', this.now(), undefined, undefined);
    this.originated.set(canon, path);
    this.locPut(canon, family, path);
  }

  withdrawOriginated(prefix: string): void {
    const canon = normalizePrefix(prefix);
    if (!this.originated.delete(canon)) return;
    this.locRemove(canon, null, undefined);
  }

  // ---- Loc-RIB maintenance ----

  /**
   * `path` joins the prefix's paths, replacing the one from the same source (peer and ADD-PATH id:
   * the implicit withdraw of RFC 4271 §3.1). Returns whether it replaced one.
   */
  private locPut(prefix: string, family: Family, path: Path): boolean {
    let e = this.loc.get(prefix);
    if (e === undefined) {
      const paths = path.solo;
      e = this.limbo.size > 0 ? this.limbo.get(prefix) : undefined;
      if (e !== undefined) {
        this.limbo.delete(prefix);
        setEntryPaths(e, paths, paths);
      } else e = newEntry(prefix, family, paths);
      this.loc.set(prefix, e);
      this.familySize[family]++;
      this.touch(e);
      return false;
    }
    const old = e.paths;
    const i = indexOfSource(old, path.peerId, path.pathId);
    if (i === 0 && old.length === 1) {
      const paths = path.solo;
      setEntryPaths(e, paths, paths);
      this.touch(e);
      return true;
    }
    if (i < 0 && old.length === 1) {
      // A second path (a second upstream's full table): rank the pair directly, one array.
      this.setPair(e, old[0], path);
      return false;
    }
    let next: RibPath[];
    if (i >= 0) {
      next = old.slice();
      next[i] = path;
    } else next = [...old, path];
    this.setPaths(e, next);
    return i >= 0;
  }

  /** Exactly two paths, `first` the one already there (ties keep it first, as rankPaths does). */
  private setPair(e: LocEntry, first: RibPath, second: RibPath): void {
    const ranked = comparePair(first, second, this.localAsn) <= 0 ? [first, second] : [second, first];
    const together = this.decision.maxPaths > 1 && multipathEqual(ranked[0], ranked[1], this.localAsn);
    setEntryPaths(e, ranked, together ? ranked : soloOf(ranked[0]));
    this.touch(e);
  }

  /** Remove the path from this source (peer id, or null for ours; ADD-PATH id); returns it. */
  private locRemove(prefix: string, peerId: string | null, pathId: number | undefined): RibPath | undefined {
    const e = this.loc.get(prefix);
    if (e === undefined) return undefined;
    const old = e.paths;
    const i = indexOfSource(old, peerId, pathId);
    if (i < 0) return undefined;
    const gone = old[i];
    if (old.length === 1) this.removeEntry(e);
    else if (old.length === 2) {
      const left = soloOf(old[1 - i]);
      setEntryPaths(e, left, left);
      this.touch(e);
    } else this.setPaths(e, old.filter((_, j) => j !== i));
    return gone;
  }

  /** The entry's last path went: out of the Loc-RIB (kept in limbo until its removal is drained). */
  private removeEntry(e: LocEntry): void {
    this.loc.delete(e.prefix);
    this.familySize[e.family]--;
    setEntryPaths(e, NO_PATHS, NO_PATHS);
    if (e.reported !== null) this.limbo.set(e.prefix, e);
    this.touch(e);
  }

  private setPaths(e: LocEntry, next: RibPath[]): void {
    const ranked = rankPaths(next, this.localAsn);
    let multipath = ranked.length === 1 ? ranked : multipathSet(ranked, this.decision);
    // A lone best (two upstreams, different ASes) shares its path's [path] array: one less array per prefix.
    if (multipath.length === 1) multipath = soloOf(multipath[0]);
    setEntryPaths(e, ranked, multipath);
    this.touch(e);
  }

  private touch(e: LocEntry): void {
    if (!e.dirty) {
      e.dirty = true;
      this.dirty.push(e);
    }
    // Journal it unless every outbound peer will still reach its last journal position.
    if (this.outPeers > 0 && e.outSeq < this.maxCursor) {
      e.outSeq = this.journalBase + this.journal.length;
      this.journal.push(e);
    }
  }

  // ---- output: best-path changes ----

  /** Best/ECMP changes since the last call, one per prefix; prefixes that ended as they began are left out. */
  drainChanges(): BestChange[] {
    const dirty = this.dirty;
    this.dirty = [];
    const out: BestChange[] = [];
    for (const e of dirty) {
      e.dirty = false;
      const cur = e.paths.length > 0 ? e.multipath : null;
      if (!samePathList(cur, e.reported)) {
        out.push({ prefix: e.prefix, family: e.family, best: cur === null ? null : cur[0], multipath: cur ?? [] });
      }
      e.reported = cur;
      if (cur === null && this.limbo.get(e.prefix) === e) this.limbo.delete(e.prefix);
    }
    return out;
  }

  // ---- output: UPDATEs per peer ----

  hasOutbound(peerId: string): boolean {
    const q = this.peers.get(peerId)?.out;
    if (!q) return false;
    while (q.batches.length === 0 && q.encoded.length === 0) {
      if (!this.step(q)) return false;
    }
    return true;
  }

  /** The next packed UPDATEs for this peer (at most limitMessages); End-of-RIB follows the initial dump. */
  takeOutbound(peerId: string, limitMessages = Infinity): Buffer[] {
    const q = this.peers.get(peerId)?.out;
    if (!q) return [];
    const encoder = this.encoder;
    while (q.encoded.length < limitMessages) {
      if (q.batches.length === 0 && !this.step(q)) break;
      const batches = q.batches;
      q.batches = [];
      for (const b of batches) for (const m of encoder.encode(b, q.codec)) q.encoded.push(m);
    }
    if (q.encoded.length <= limitMessages) {
      const all = q.encoded;
      q.encoded = [];
      return all;
    }
    return q.encoded.splice(0, limitMessages);
  }

  /** The next outbound batches, before encoding (for inspection and tests; do not mix with takeOutbound). */
  takeOutboundBatches(peerId: string, limitBatches = Infinity): OutboundBatch[] {
    const q = this.peers.get(peerId)?.out;
    if (!q) return [];
    while (q.batches.length < limitBatches && this.step(q)) {
      /* keep stepping */
    }
    return q.batches.splice(0, limitBatches);
  }

  /** Diff one chunk of pending entries for this peer into q.batches. False when nothing is pending. */
  private step(q: OutboundQueue): boolean {
    const b = this.builder;
    if (q.dump !== null) {
      for (let n = 0; n < OUTBOUND_CHUNK; n++) {
        const r = q.dump.next();
        if (r.done) {
          q.dump = null;
          q.resend = false;
          for (const f of q.eorPending) b.eor(f);
          q.eorPending = [];
          break;
        }
        q.adjOut.collect(r.value, b, q.resend);
      }
    } else {
      const end = this.journalBase + this.journal.length;
      if (q.cursor >= end) return false;
      const stop = Math.min(end, q.cursor + OUTBOUND_CHUNK);
      for (let i = q.cursor; i < stop; i++) {
        const e = this.journal[i - this.journalBase];
        // A prefix removed and then re-added got a new entry, journaled after this one: hand what
        // the peer has over to the new entry (diffed when its turn comes) and skip the old one.
        if (e.paths.length === 0) {
          const cur = this.loc.get(e.prefix);
          if (cur !== undefined && cur !== e) {
            const slot = q.adjOut.slot;
            const had = e.out === null ? undefined : e.out[slot];
            if (had !== undefined) {
              e.out![slot] = undefined;
              if (cur.out === null || slot >= cur.out.length) cur.out = withSlot(cur.out, slot, had);
              else if (cur.out[slot] === undefined) cur.out[slot] = had;
              else q.adjOut.advertised--;
            }
            continue;
          }
        }
        q.adjOut.collect(e, b);
      }
      q.cursor = stop;
      if (stop > this.maxCursor) this.maxCursor = stop;
      this.compactJournal();
    }
    for (const batch of b.flush()) q.batches.push(batch);
    return true;
  }

  private closeOutbound(st: PeerState): void {
    const slot = st.out!.adjOut.slot;
    st.out = null;
    this.outPeers--;
    // Forget what the peer had, everywhere it is recorded: entries in the Loc-RIB, removed entries
    // still queued in the journal, and removed entries kept for drainChanges (which may return).
    const clear = (e: LocEntry): void => {
      if (e.out !== null && e.out[slot] !== undefined) e.out[slot] = undefined;
    };
    for (const e of this.loc.values()) clear(e);
    for (const e of this.journal) clear(e);
    for (const e of this.limbo.values()) clear(e);
    this.slots[slot] = false;
    if (this.outPeers === 0) {
      this.journalBase += this.journal.length;
      this.journal = [];
    }
  }

  /** Drop the journal prefix every peer has consumed (amortised: only when it is most of it). */
  private compactJournal(): void {
    let min = Infinity;
    for (const st of this.peers.values()) if (st.out && st.out.cursor < min) min = st.out.cursor;
    const consumed = min - this.journalBase;
    if (consumed < 4096 || consumed * 2 < this.journal.length) return;
    this.journal = this.journal.slice(consumed);
    this.journalBase = min;
  }

  // ---- reading ----

  lookup(prefix: string): RibEntry | undefined {
    return this.loc.get(prefix);
  }

  /** Walks the live Loc-RIB: finish (or copy) before changing the RIB again. */
  *entries(family?: Family): IterableIterator<RibEntry> {
    for (const e of this.loc.values()) if (family === undefined || e.family === family) yield e;
  }

  /** The peer's Adj-RIB-In: accepted paths (walks the Loc-RIB) then rejected ones. */
  *adjRibIn(peerId: string): IterableIterator<{ prefix: string; path: RibPath }> {
    const st = this.peer(peerId);
    for (const e of this.loc.valuesSnapshot()) for (const path of e.paths) if (path.peerId === peerId) yield { prefix: e.prefix, path };
    for (const [key, path] of st.rejected) yield { prefix: prefixOfKey(key), path };
  }

  /**
   * What we advertise to the peer now: [prefix, attributes] (nothing when not established). For
   * ADD-PATH send families only the best advertised path per prefix; adjRibOutPaths has them all.
   */
  *adjRibOut(peerId: string): IterableIterator<[string, PathAttributes]> {
    let last: string | undefined;
    for (const [prefix, a, id] of this.adjRibOutPaths(peerId)) {
      // A prefix's ADD-PATH paths come together, best first.
      if (id !== undefined && prefix === last) continue;
      last = prefix;
      yield [prefix, a];
    }
  }

  /** Like adjRibOut, one item per advertised path: [prefix, attributes, ADD-PATH id (undefined: none)]. */
  *adjRibOutPaths(peerId: string): IterableIterator<[string, PathAttributes, number | undefined]> {
    const out = this.peers.get(peerId)?.out;
    if (!out) return;
    const slot = out.adjOut.slot;
    for (const e of this.loc.valuesSnapshot()) {
      const a = e.out?.[slot];
      if (a !== undefined) yield [e.prefix, a, undefined];
    }
    yield* out.adjOut.sentPaths();
  }

  /** The peer's accepted paths per family (what maximum-prefix limits count). */
  acceptedByFamily(peerId: string): Record<Family, number> {
    return { ...this.peer(peerId).acceptedByFamily };
  }

  peerCounters(peerId: string): PeerCounters {
    const st = this.peer(peerId);
    return { received: st.accepted + st.rejected.size, accepted: st.accepted, advertised: st.out?.adjOut.advertised ?? 0 };
  }

  size(family?: Family): number {
    return family === undefined ? this.loc.size : this.familySize[family];
  }

  /** Distinct interned attribute sets alive (for metrics and tests of interning). */
  internedAttributeSets(): number {
    return this.attrCache.size;
  }

  private peer(id: string): PeerState {
    const st = this.peers.get(id);
    if (!st) throw new Error(`Rib: unknown peer ${id}`);
    return st;
  }
}
