// Adj-RIB-Out of one peer: what we have told it (per prefix, the interned outbound attributes), and
// the diff between that and what the Loc-RIB now says, grouped into batches of prefixes that share
// one outbound attribute set, so the packer fills each UPDATE with as many NLRI as fit.
//
// Where "what we told it" lives: in the Loc-RIB entry itself, `entry.out[slot]`, one small slot
// per established peer. Diffing walks entries anyway, so the answer is one pointer away, where a
// per-peer table keyed by prefix cost a hash lookup (and a cache miss) per prefix per peer and
// 32 bytes per prefix per peer; measured on a 1M dump, the table made up most of the RIB's time.
//
// Outbound attributes are computed once per (source attribute set, source peer, family) and
// interned, so "has this prefix's advertisement changed?" is one identity comparison.

import type { Family, PathAttributes } from '../wire/index.js';
import type { AttrCache } from './attr-cache.js';
import { exportAttrs, type ExportContext } from './export-rules.js';
import type { PathIdAllocator } from './path-ids.js';
import type { ExportFilter, PeerInfo, RibPath } from './types.js';

/** `pathIds` (ADD-PATH send): one id per prefix; absent, the peer gets one path per prefix. */
export type OutboundBatch =
  | { kind: 'withdraw'; family: Family; prefixes: string[]; pathIds?: number[] }
  | { kind: 'announce'; family: Family; attrs: PathAttributes; prefixes: string[]; pathIds?: number[] }
  | { kind: 'eor'; family: Family };

/** The part of a Loc-RIB entry the Adj-RIB-Out reads. `paths` empty: the prefix is gone. */
export interface OutboundSource {
  prefix: string;
  family: Family;
  paths: readonly RibPath[];
  /** The ECMP set (ADD-PATH send in 'ecmp' mode). */
  multipath: readonly RibPath[];
  /** Per peer slot: the attributes that peer has for this prefix (undefined: nothing). */
  out: (PathAttributes | undefined)[] | null;
}

/** Collects one round of changes; `flush` orders withdrawals, then announcements, then EoR. */
export class BatchBuilder {
  private readonly withdrawals = new Map<Family, string[]>();
  private readonly groups = new Map<Family, Map<PathAttributes, string[]>>();
  private readonly eors: Family[] = [];
  // Consecutive announcements nearly always share family and attributes: skip two Map lookups.
  private lastFamily: Family | null = null;
  private lastAttrs: PathAttributes | null = null;
  private lastList: string[] = [];
  // ADD-PATH: prefixes with path ids, kept apart so the one-path case stays as it is.
  private readonly idWithdrawals = new Map<Family, { prefixes: string[]; pathIds: number[] }>();
  private readonly idGroups = new Map<Family, Map<PathAttributes, { prefixes: string[]; pathIds: number[] }>>();
  private lastIdFamily: Family | null = null;
  private lastIdAttrs: PathAttributes | null = null;
  private lastIdList: { prefixes: string[]; pathIds: number[] } | null = null;
  count = 0;

  withdrawPath(family: Family, prefix: string, pathId: number): void {
    let list = this.idWithdrawals.get(family);
    if (!list) this.idWithdrawals.set(family, (list = { prefixes: [], pathIds: [] }));
    list.prefixes.push(prefix);
    list.pathIds.push(pathId);
    this.count++;
  }

  announcePath(family: Family, attrs: PathAttributes, prefix: string, pathId: number): void {
    if (attrs === this.lastIdAttrs && family === this.lastIdFamily) {
      this.lastIdList!.prefixes.push(prefix);
      this.lastIdList!.pathIds.push(pathId);
      this.count++;
      return;
    }
    let byAttrs = this.idGroups.get(family);
    if (!byAttrs) this.idGroups.set(family, (byAttrs = new Map()));
    let list = byAttrs.get(attrs);
    if (!list) byAttrs.set(attrs, (list = { prefixes: [], pathIds: [] }));
    list.prefixes.push(prefix);
    list.pathIds.push(pathId);
    this.count++;
    this.lastIdFamily = family;
    this.lastIdAttrs = attrs;
    this.lastIdList = list;
  }

  withdraw(family: Family, prefix: string): void {
    let list = this.withdrawals.get(family);
    if (!list) this.withdrawals.set(family, (list = []));
    list.push(prefix);
    this.count++;
  }

  announce(family: Family, attrs: PathAttributes, prefix: string): void {
    this.count++;
    if (attrs === this.lastAttrs && family === this.lastFamily) {
      this.lastList.push(prefix);
      return;
    }
    let byAttrs = this.groups.get(family);
    if (!byAttrs) this.groups.set(family, (byAttrs = new Map()));
    let list = byAttrs.get(attrs);
    if (!list) byAttrs.set(attrs, (list = []));
    list.push(prefix);
    this.lastFamily = family;
    this.lastAttrs = attrs;
    this.lastList = list;
  }

  eor(family: Family): void {
    this.eors.push(family);
  }

  flush(): OutboundBatch[] {
    const out: OutboundBatch[] = [];
    for (const [family, prefixes] of this.withdrawals) out.push({ kind: 'withdraw', family, prefixes });
    for (const [family, l] of this.idWithdrawals) out.push({ kind: 'withdraw', family, prefixes: l.prefixes, pathIds: l.pathIds });
    for (const [family, byAttrs] of this.groups) {
      for (const [attrs, prefixes] of byAttrs) out.push({ kind: 'announce', family, attrs, prefixes });
    }
    for (const [family, byAttrs] of this.idGroups) {
      for (const [attrs, l] of byAttrs) out.push({ kind: 'announce', family, attrs, prefixes: l.prefixes, pathIds: l.pathIds });
    }
    for (const family of this.eors) out.push({ kind: 'eor', family });
    this.withdrawals.clear();
    this.groups.clear();
    this.idWithdrawals.clear();
    this.idGroups.clear();
    this.lastIdFamily = null;
    this.lastIdAttrs = null;
    this.lastIdList = null;
    this.eors.length = 0;
    this.count = 0;
    this.lastFamily = null;
    this.lastAttrs = null;
    return out;
  }
}

/**
 * A copy of `out` long enough for `slot`, sized in steps of four slots: growing a JS array by
 * assignment past its end reserves ~16 spare elements (128 bytes per prefix per peer nobody would
 * use), while exact sizing would copy every entry's array again as each new peer comes up.
 */
export function withSlot(out: (PathAttributes | undefined)[] | null, slot: number, value: PathAttributes): (PathAttributes | undefined)[] {
  const grown = new Array<PathAttributes | undefined>((slot + 4) & ~3).fill(undefined);
  if (out !== null) for (let i = 0; i < out.length; i++) grown[i] = out[i];
  grown[slot] = value;
  return grown;
}

/** ADD-PATH: the paths of one prefix a peer has (or should have), best first; ids[i] goes with attrs[i]. */
export interface SentPaths {
  ids: number[];
  attrs: PathAttributes[];
}

/** ADD-PATH send for a peer: the families it was negotiated for, and the shared id allocator. */
export interface AddPathSend {
  families: ReadonlySet<Family>;
  ids: PathIdAllocator;
}

export class AdjRibOut {
  /** Prefixes the peer has from us (with ADD-PATH: paths, one per prefix and path id). */
  advertised = 0;
  /**
   * ADD-PATH families only: per prefix, the path ids the peer has and their attributes. A
   * table of its own (not the entry's slot) since a prefix has several; keyed by prefix, so an
   * entry removed and made again diffs against what the peer really has.
   */
  private readonly sent = new Map<string, SentPaths>();
  private cache = new Map<PathAttributes, Map<string, PathAttributes | null>>();
  // Consecutive prefixes nearly always share one path object (one UPDATE's worth): remember the last.
  private memoPath: RibPath | null = null;
  private memoFamily: Family | null = null;
  private memoOut: PathAttributes | null = null;
  private memoFiltered: PathAttributes | null = null;
  private memoFilteredInterned: PathAttributes | null = null;

  constructor(
    /** This peer's index into every entry's `out` array. */
    readonly slot: number,
    public peer: PeerInfo,
    readonly families: ReadonlySet<Family>,
    private readonly sourcePeer: (id: string) => PeerInfo | undefined,
    private readonly ctx: ExportContext,
    private readonly interner: AttrCache,
    private readonly filter?: ExportFilter,
    private readonly addPath?: AddPathSend,
  ) {}

  /** Forget computed outbound attributes (peer configuration or a source peer changed). */
  invalidate(peer: PeerInfo): void {
    this.peer = peer;
    this.cache = new Map();
    this.memoPath = null;
    this.memoFiltered = null;
  }

  /** The attributes this peer should have for the entry's best path, or null for none. */
  desired(src: OutboundSource): PathAttributes | null {
    if (src.paths.length === 0 || !this.families.has(src.family)) return null;
    const best = src.paths[0];
    let out: PathAttributes | null;
    if (best === this.memoPath && src.family === this.memoFamily) out = this.memoOut;
    else {
      out = this.compute(best, src.family);
      this.memoPath = best;
      this.memoFamily = src.family;
      this.memoOut = out;
    }
    if (out === null || this.filter === undefined) return out;
    const filtered = this.filter(this.peer, src.prefix, best, out);
    if (filtered === null || filtered === out) return filtered;
    // Consecutive prefixes often get the same (memoized) object from a policy: intern it once.
    if (filtered !== this.memoFiltered) {
      this.memoFiltered = filtered;
      this.memoFilteredInterned = this.interner.internByContent(filtered);
    }
    return this.memoFilteredInterned!;
  }

  private compute(path: RibPath, family: Family): PathAttributes | null {
    let byVariant = this.cache.get(path.attrs);
    if (!byVariant) {
      // The cache holds attribute sets strongly; start over rather than pin every set ever seen.
      if (this.cache.size >= 65536) this.cache.clear();
      this.cache.set(path.attrs, (byVariant = new Map()));
    }
    const variant = family + '\0' + (path.peerId ?? '');
    let out = byVariant.get(variant);
    if (out === undefined) {
      const raw = exportAttrs(this.peer, family, path, path.peerId === null ? undefined : this.sourcePeer(path.peerId), this.ctx);
      out = raw === null ? null : this.interner.internByContent(raw);
      byVariant.set(variant, out);
    }
    return out;
  }

  /** Diff one entry against what the peer has; record the change in `into`. `resend`: announce even if unchanged. */
  collect(src: OutboundSource, into: BatchBuilder, resend = false): void {
    if (this.addPath !== undefined && this.addPath.families.has(src.family)) return this.collectPaths(src, into, resend);
    const want = this.desired(src);
    const out = src.out;
    const had = out === null ? undefined : out[this.slot];
    if (want === null && had === undefined) return;
    if (want === had) {
      if (resend) into.announce(src.family, want!, src.prefix);
      return;
    }
    if (want === null) {
      out![this.slot] = undefined;
      this.advertised--;
      into.withdraw(src.family, src.prefix);
    } else {
      if (out !== null && this.slot < out.length) out[this.slot] = want;
      else src.out = withSlot(out, this.slot, want);
      if (had === undefined) this.advertised++;
      into.announce(src.family, want, src.prefix);
    }
  }

  /** The attributes this peer should have for one path (export rules, then the export filter), or null. */
  private pathAttrs(path: RibPath, prefix: string, family: Family): PathAttributes | null {
    const out = this.compute(path, family);
    if (out === null || this.filter === undefined) return out;
    const filtered = this.filter(this.peer, prefix, path, out);
    return filtered === null || filtered === out ? filtered : this.interner.internByContent(filtered);
  }

  /**
   * What the peer should have for this entry with ADD-PATH send: path ids and their attributes,
   * for every eligible path (or the ECMP set) that the export rules let through, best first, at
   * most addPathSendMax of them; null for none.
   */
  desiredPaths(src: OutboundSource): SentPaths | null {
    const { addPath } = this;
    if (addPath === undefined) return null;
    const paths = src.paths;
    // Called even when the family is not sent: that is what lets a gone entry give its ids back.
    const ids = addPath.ids.ids(src, paths);
    if (paths.length === 0 || !this.families.has(src.family)) return null;
    const ecmp = this.peer.addPathSendMode === 'ecmp';
    const max = this.peer.addPathSendMax ?? Infinity;
    let want: SentPaths | null = null;
    for (let i = 0; i < paths.length && (want === null || want.ids.length < max); i++) {
      const p = paths[i];
      if (ecmp && !src.multipath.includes(p)) continue;
      const a = this.pathAttrs(p, src.prefix, src.family);
      if (a === null) continue;
      if (want === null) want = { ids: [ids[i]], attrs: [a] };
      else {
        want.ids.push(ids[i]);
        want.attrs.push(a);
      }
    }
    return want;
  }

  /** ADD-PATH diff: withdraw ids the peer should no longer have, announce new or changed ones. */
  private collectPaths(src: OutboundSource, into: BatchBuilder, resend: boolean): void {
    const want = this.desiredPaths(src);
    const { prefix, family } = src;
    const had = this.sent.get(prefix);
    if (had !== undefined) {
      for (let i = 0; i < had.ids.length; i++) {
        if (want === null || !want.ids.includes(had.ids[i])) {
          into.withdrawPath(family, prefix, had.ids[i]);
          this.advertised--;
        }
      }
    }
    if (want === null) {
      if (had !== undefined) this.sent.delete(prefix);
      return;
    }
    for (let i = 0; i < want.ids.length; i++) {
      const id: number = want.ids[i];
      const a: PathAttributes = want.attrs[i];
      const j = had === undefined ? -1 : had.ids.indexOf(id);
      if (j < 0) this.advertised++;
      if (j < 0 || had!.attrs[j] !== a || resend) into.announcePath(family, a, prefix, id);
    }
    this.sent.set(prefix, want);
  }

  /** ADD-PATH families: what the peer has from us, [prefix, attributes, path id]. */
  *sentPaths(): IterableIterator<[string, PathAttributes, number]> {
    for (const [prefix, p] of this.sent) for (let i = 0; i < p.ids.length; i++) yield [prefix, p.attrs[i], p.ids[i]];
  }
}
