// FibSync: keeps the kernel FIB's routes of our protocol equal to the desired set.
//
// Level-triggered: setDesired/update only record what is wanted and mark the loop dirty; one loop
// at a time computes diffFib(effective desired, installed) and applies it with the batched sender
// (many requests per datagram, many in flight). Kernel state is re-read (dumped) at start, on a
// periodic timer, after lost replies (ENOBUFS / timeouts → 'resync-needed'), and when links or
// addresses change (RTNLGRP_LINK / IPV4_IFADDR / IPV6_IFADDR on a separate monitor socket).
//
// Rules (see docs/kernel-routes.md):
// - Only our protocol number is ever added, replaced or deleted (deletes carry the protocol, so
//   the kernel itself refuses to match anyone else's route).
// - Another protocol's route for the same prefix at a DIFFERENT metric: ours is added alongside
//   (the kernel keys routes by table+prefix+tos+metric). At the SAME metric (the same kernel key):
//   ours is skipped with a reason, because NLM_F_REPLACE would overwrite theirs.
// - A route none of whose next hops is directly reachable is skipped with a reason; a route with
//   some reachable next hops is installed with those (the others listed as skipped, "partial").
//   Link/address changes re-evaluate them.
// - Start adopts the routes of ours already in the kernel (a restart keeps forwarding) and deletes
//   none of them until `deferralMs` has passed; adds and replaces go ahead at once.
// - Netlink trouble never throws out of the loop: it is logged, counted in status, and repaired by
//   a re-dump.

import { AF_UNSPEC } from '../../netlink/constants.js';
import { NetlinkError, NetlinkResyncError } from '../../netlink/errors.js';
import {
  RTM_DELROUTE,
  RTM_NEWROUTE,
  RTN_UNICAST,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_LINK,
  RT_TABLE_MAIN,
} from '../../netlink/route/constants.js';
import type { NetlinkMessage } from '../../netlink/message.js';
import { PODROUTE_RTPROT_DEFAULT } from '../../netlink/route/protocol.js';
import { parseRoute, type KernelRoute } from '../../netlink/route/route.js';
import type { InterfaceAddress } from '../../netlink/route/addr.js';
import type { Link } from '../../netlink/route/link.js';
import { applyRouteOps, dumpAddrs, dumpLinks, dumpRoutes, type RouteOp } from '../../netlink/route/rtnl.js';
import { NETLINK_ROUTE } from '../../netlink/constants.js';
import { openNetlink, type BulkOptions, type NetlinkSocket } from '../../netlink/socket.js';
import { diffFib } from './diff.js';
import { validateFibRoute } from './validate.js';
import { buildConnectedState, resolveNextHops, type ConnectedState } from './reachability.js';
import type { FibError, FibNextHop, FibRoute, FibSkip, FibStatus } from './types.js';

export type FibLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface FibSyncOptions {
  /** Socket for requests and dumps (NETLINK_ROUTE, in the target namespace). */
  nl: NetlinkSocket;
  /** Optional second socket for link/address notifications; FibSync joins the groups itself. */
  monitor?: NetlinkSocket;
  /**
   * Optional third socket for route notifications (IPv4/IPv6 route groups), so that someone else
   * deleting or overwriting one of our routes is repaired at once rather than at the next periodic
   * resync. Notifications of our own changes (nlmsg_pid = our request socket) are ignored. Open it
   * with `noEnobufs: true`: during our own bulk installs it overflows harmlessly.
   */
  routeMonitor?: NetlinkSocket;
  /** Our route protocol number (default 201, see netlink/route/protocol.ts). */
  protocol?: number;
  /** Kernel table (default 254, main). */
  table?: number;
  /** RTA_PRIORITY of our routes (default 20). */
  metric?: number;
  log?: FibLog;
  /** Start-up deferral before stale adopted routes are deleted (default 120 s). */
  deferralMs?: number;
  /** Periodic full re-read and reconcile (default 60 s; 0 = off). */
  resyncIntervalMs?: number;
  /** Coalescing delay after link/address events before the re-read (default 50 ms). */
  eventDebounceMs?: number;
  bulk?: BulkOptions;
  /** Close the sockets in close() (set by openFibSync, which opened them). */
  ownsSockets?: boolean;
}

const noLog: FibLog = () => undefined;

interface Memo {
  src: FibRoute;
  gen: number;
  /** Canonical prefix (or the raw key when invalid). */
  prefix: string;
  invalid?: string;
  /** Skip reason for unreachable next hops (all, or "partial: …"). */
  unreachable?: string;
  /** What to install, when any next hop is reachable. */
  eff?: FibRoute;
}

/** Text that changes whenever something reachability depends on changes. */
function connectivitySignature(links: readonly Link[], addrs: readonly InterfaceAddress[]): string {
  const l = links.map((x) => `${x.index}:${x.up ? 1 : 0}`).join(',');
  const a = addrs.map((x) => `${x.ifindex}:${x.address}/${x.prefixLen}:${x.tentative ? 1 : 0}`).sort().join(',');
  return `${l}|${a}`;
}

function toFibRoute(r: KernelRoute): FibRoute {
  return {
    prefix: r.prefix,
    table: r.table,
    nextHops: r.nextHops
      .filter((h) => h.gateway !== undefined)
      .map((h) => (r.nextHops.length > 1 ? { gateway: h.gateway!, ifindex: h.ifindex, weight: h.weight ?? 1 } : { gateway: h.gateway!, ifindex: h.ifindex })),
  };
}

export class FibSync {
  private readonly nl: NetlinkSocket;
  private readonly monitor?: NetlinkSocket;
  private readonly routeMonitor?: NetlinkSocket;
  readonly protocol: number;
  readonly table: number;
  readonly metric: number;
  private readonly log: FibLog;
  private readonly deferralMs: number;
  private readonly resyncIntervalMs: number;
  private readonly eventDebounceMs: number;
  private readonly bulkOpts: BulkOptions;
  private readonly ownsSockets: boolean;

  private desired = new Map<string, FibRoute>();
  /** Our routes in the kernel as far as we know, keyed by prefix (all in `table`). */
  private installed = new Map<string, FibRoute>();
  /** Prefixes held by another protocol at our metric in our table → that protocol. */
  private foreign = new Map<string, number>();
  /** Routes of ours at another metric (e.g. after a metric change): deleted once the deferral ends. */
  private strays: { prefix: string; metric: number }[] = [];
  private connected: ConnectedState = buildConnectedState([], []);
  private skipped: FibSkip[] = [];
  private errors: FibError[] = [];
  private pendingCount = 0;
  private lastSyncAt: Date | null = null;
  private lastSyncMs: number | null = null;
  private resyncs = 0;
  private deferUntil = 0;
  private started = false;
  private closed = false;
  private dirty = false;
  private needRead = false;
  private loop: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private eventTimer: NodeJS.Timeout | null = null;
  private lastSkipLog = new Map<string, string>();
  /** Per desired key: the last validation/resolution outcome (see reconcileOnce). */
  private memo = new Map<string, Memo>();
  /** Bumped when links or addresses change, which invalidates `memo`. */
  private connGen = 0;
  private connSig = '';
  /** Canonical desired prefixes of the last pass. */
  private wantedLast = new Set<string>();
  private readonly onLost = (e: NetlinkResyncError): void => {
    this.log('warn', 'fib: netlink replies lost; re-reading kernel state', { reason: e.reason });
    this.scheduleRead(0);
  };
  private readonly onNotification = (): void => this.scheduleRead(this.eventDebounceMs);
  private readonly onRouteNotification = (m: NetlinkMessage): void => {
    if (m.pid === this.nl.portId || (m.type !== RTM_NEWROUTE && m.type !== RTM_DELROUTE)) return;
    const r = parseRoute(m);
    if (!r || r.table !== this.table) return;
    // Ours touched by someone else, or another protocol taking/leaving one of our keys.
    if (r.protocol === this.protocol || (r.metric === this.metric && this.desiredHas(r.prefix))) {
      this.log('info', `fib: ${m.type === RTM_DELROUTE ? 'removal' : 'change'} of ${r.prefix} (protocol ${r.protocol}) by someone else; re-reading`);
      this.scheduleRead(this.eventDebounceMs);
    }
  };

  constructor(opts: FibSyncOptions) {
    this.nl = opts.nl;
    this.monitor = opts.monitor;
    this.routeMonitor = opts.routeMonitor;
    this.protocol = opts.protocol ?? PODROUTE_RTPROT_DEFAULT;
    this.table = opts.table ?? RT_TABLE_MAIN;
    this.metric = opts.metric ?? 20;
    this.log = opts.log ?? noLog;
    this.deferralMs = opts.deferralMs ?? 120_000;
    this.resyncIntervalMs = opts.resyncIntervalMs ?? 60_000;
    this.eventDebounceMs = opts.eventDebounceMs ?? 50;
    this.bulkOpts = opts.bulk ?? {};
    this.ownsSockets = opts.ownsSockets ?? false;
  }

  /**
   * Reads links, addresses and routes; adopts our routes already installed (kept until the
   * deferral ends); subscribes to link/address changes; then reconciles what is desired so far.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.deferUntil = Date.now() + this.deferralMs;
    this.nl.on('resync-needed', this.onLost);
    if (this.monitor) {
      for (const g of [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]) this.monitor.addMembership(g);
      this.monitor.on('notification', this.onNotification);
      this.monitor.on('resync-needed', this.onLost);
    }
    if (this.routeMonitor) {
      for (const g of [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE]) this.routeMonitor.addMembership(g);
      this.routeMonitor.on('notification', this.onRouteNotification);
    }
    try {
      await this.readKernel();
    } catch (e) {
      // Leave the object startable again (the caller may retry once the kernel answers).
      this.started = false;
      this.nl.off('resync-needed', this.onLost);
      this.monitor?.off('notification', this.onNotification);
      this.monitor?.off('resync-needed', this.onLost);
      this.routeMonitor?.off('notification', this.onRouteNotification);
      throw e;
    }
    if (this.installed.size) this.log('info', `fib: adopted ${this.installed.size} routes of protocol ${this.protocol} from the kernel`, { deferralMs: this.deferralMs });
    if (this.deferralMs > 0) {
      const d = setTimeout(() => this.endDeferral(), this.deferralMs);
      d.unref(); // the agent's own handles keep it alive; a finished test or CLI must not wait 2 min
      this.timers.push(d);
    }
    if (this.resyncIntervalMs > 0) {
      const t = setInterval(() => this.scheduleRead(0), this.resyncIntervalMs);
      t.unref();
      this.timers.push(t);
    }
    this.kick();
    await this.idle();
  }

  /**
   * Ends the start-up deferral now: the caller knows the desired set is complete (BGP has received
   * End-of-RIB from every peer), so stale routes need not wait for the timer.
   */
  endDeferral(): void {
    if (this.deferUntil === 0) return;
    this.deferUntil = 0;
    this.log('info', 'fib: start-up deferral over; stale routes will be removed');
    this.kick();
  }

  /**
   * Replaces the whole desired set. Route objects are treated as immutable values (results are
   * memoized by object identity): to change a route, pass a new object.
   */
  setDesired(routes: ReadonlyMap<string, FibRoute>): void {
    this.desired = new Map(routes);
    this.kick();
  }

  /** prefix → route to install/replace, or null to remove (routing/fib-port.ts FibPort.update). */
  update(changes: ReadonlyMap<string, FibRoute | null>): void {
    for (const [prefix, r] of changes) {
      if (r) this.desired.set(prefix, r);
      else this.desired.delete(prefix);
    }
    this.kick();
  }

  /** Same as update(). */
  apply(changes: ReadonlyMap<string, FibRoute | null>): void {
    this.update(changes);
  }

  /** Re-reads kernel state and reconciles; resolves when done. */
  async resync(): Promise<void> {
    this.needRead = true;
    this.kick();
    await this.idle();
  }

  /** Resolves when no reconcile is running or queued. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  status(): FibStatus {
    return {
      installed: this.installed.size,
      pending: this.pendingCount,
      errors: this.errors.length,
      errorList: this.errors.slice(),
      skipped: this.skipped.slice(),
      deferring: this.deferUntil > Date.now(),
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt.toISOString(), lastSyncMs: Math.round((this.lastSyncMs ?? 0) * 10) / 10 } : {}),
      resyncs: this.resyncs,
    };
  }

  /**
   * Stops timers and subscriptions. With `removeRoutes`, deletes every route of ours first (an
   * orderly shutdown); without, routes stay for the next start to adopt (graceful restart).
   * The sockets are the caller's and stay open.
   */
  async close(opts: { removeRoutes?: boolean } = {}): Promise<void> {
    if (this.closed) {
      if (this.ownsSockets) {
        this.nl.close();
        this.monitor?.close();
        this.routeMonitor?.close();
      }
      return;
    }
    this.detach();
    if (opts.removeRoutes) {
      this.desired.clear();
      this.deferUntil = 0;
      this.needRead = true;
      this.kick();
    }
    await this.idle();
    this.closed = true;
    if (this.ownsSockets) {
      this.nl.close();
      this.monitor?.close();
      this.routeMonitor?.close();
    }
  }

  /** Stops timers and event subscriptions (not the sockets). */
  private detach(): void {
    for (const t of this.timers) clearTimeout(t);
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.eventTimer = null;
    this.timers = [];
    this.nl.off('resync-needed', this.onLost);
    this.monitor?.off('notification', this.onNotification);
    this.monitor?.off('resync-needed', this.onLost);
    this.routeMonitor?.off('notification', this.onRouteNotification);
  }

  /** Is `prefix` (canonical) among the desired routes (per the last pass)? */
  private desiredHas(prefix: string): boolean {
    return this.wantedLast.has(prefix);
  }

  private scheduleRead(delayMs: number): void {
    if (this.closed || !this.started) return;
    this.needRead = true;
    if (delayMs <= 0) {
      this.kick();
      return;
    }
    if (this.eventTimer) return;
    this.eventTimer = setTimeout(() => {
      this.eventTimer = null;
      this.kick();
    }, delayMs);
  }

  private kick(): void {
    this.dirty = true;
    if (!this.started || this.closed || this.loop) return;
    this.loop = this.runLoop().finally(() => {
      this.loop = null;
      if (this.dirty && !this.closed) this.kick();
    });
  }

  private async runLoop(): Promise<void> {
    // Yield once so a burst of update() calls in the same tick is reconciled together.
    await new Promise<void>((r) => setImmediate(r));
    let rounds = 0;
    while (this.dirty && rounds++ < 10) {
      this.dirty = false;
      try {
        if (this.needRead) {
          this.needRead = false;
          await this.readKernel();
        }
        await this.reconcileOnce();
      } catch (e) {
        if (e instanceof NetlinkResyncError && e.reason === 'closed') {
          // Our socket was closed under us: retrying cannot help; stay quiet until close().
          this.log('error', 'fib: netlink socket closed; FIB sync stopped');
          this.dirty = false;
          this.detach();
          this.closed = true;
          return;
        }
        if (e instanceof NetlinkResyncError) {
          this.log('warn', `fib: ${e.message}`);
          this.needRead = true;
          this.dirty = true;
          await new Promise((r) => setTimeout(r, 200));
        } else {
          // Unexpected (a bug or a socket failure): keep the agent up, retry on the next timer/event.
          this.log('error', `fib: reconcile failed: ${(e as Error).message}`);
          this.needRead = true;
          return;
        }
      }
    }
  }

  /** Dumps links, addresses and our table's routes; splits routes into ours and foreign keys. */
  private async readKernel(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [links, addrs] = [await dumpLinks(this.nl), await dumpAddrs(this.nl)];
        const routes = await dumpRoutes(this.nl, AF_UNSPEC, (r) => r.table === this.table && r.type === RTN_UNICAST);
        this.connected = buildConnectedState(links, addrs);
        const sig = connectivitySignature(links, addrs);
        if (sig !== this.connSig) {
          this.connSig = sig;
          this.connGen++;
        }
        const installed = new Map<string, FibRoute>();
        const foreign = new Map<string, number>();
        const strays: { prefix: string; metric: number }[] = [];
        for (const r of routes) {
          if (r.protocol === this.protocol) {
            if (r.metric === this.metric) installed.set(r.prefix, toFibRoute(r));
            else strays.push({ prefix: r.prefix, metric: r.metric });
          } else if (r.metric === this.metric) foreign.set(r.prefix, r.protocol);
        }
        this.installed = installed;
        this.foreign = foreign;
        this.strays = strays;
        this.resyncs++;
        return;
      } catch (e) {
        // A dump interrupted by concurrent changes (EINTR) is simply retried.
        if (e instanceof NetlinkError && e.code === 'EINTR' && attempt < 5) continue;
        throw e;
      }
    }
  }

  private async reconcileOnce(): Promise<void> {
    const t0 = performance.now();
    const effective = new Map<string, FibRoute>();
    const skipped: FibSkip[] = [];
    const cache = new Map<string, FibNextHop | string>();
    /** Canonical prefixes desired (even if skipped): the deferral only holds deletes of the others. */
    const wanted = new Set<string>();
    const gatewayFamilies = new Map<string, number>();
    const memo = new Map<string, Memo>();
    for (const [key, want] of this.desired) {
      // Validation and resolution depend only on the route object and on connectivity: reuse the
      // last pass's outcome when neither changed (a no-op resync of 100k routes then allocates
      // next to nothing).
      let m = this.memo.get(key);
      if (!m || m.src !== want || m.gen !== this.connGen) {
        m = this.evaluate(key, want, gatewayFamilies, cache);
      }
      memo.set(key, m);
      if (m.invalid !== undefined) {
        skipped.push({ prefix: key, reason: m.invalid });
        continue;
      }
      const prefix = m.prefix;
      wanted.add(prefix);
      const owner = this.foreign.get(prefix);
      if (owner !== undefined) {
        // Same kernel key as another protocol's route: REPLACE would hit theirs, so never touch the key.
        skipped.push({ prefix, reason: `protocol ${owner} already has ${prefix} at metric ${this.metric} in table ${this.table}` });
        continue;
      }
      if (m.unreachable !== undefined) skipped.push({ prefix, reason: m.unreachable });
      if (m.eff) effective.set(prefix, m.eff);
    }
    this.memo = memo;
    this.wantedLast = wanted;
    this.logSkips(skipped);
    this.skipped = skipped;

    const tResolved = performance.now();
    const diff = diffFib(effective, this.installed);
    const tDiffed = performance.now();
    const deferring = this.deferUntil > Date.now();
    const deletes = deferring ? diff.deletes.filter((r) => wanted.has(r.prefix)) : diff.deletes;
    const held = diff.deletes.length - deletes.length;
    const ops: RouteOp[] = [];
    const protocol = this.protocol;
    const metric = this.metric;
    const table = this.table;
    for (const r of deletes) ops.push({ op: 'delete', route: { protocol, metric, prefix: r.prefix, table: r.table ?? table } });
    if (!deferring) for (const r of this.strays) ops.push({ op: 'delete', route: { protocol: this.protocol, metric: r.metric, prefix: r.prefix, table: this.table } });
    for (const r of diff.adds) ops.push({ op: 'add', route: { protocol, metric, prefix: r.prefix, table, nextHops: r.nextHops } });
    for (const r of diff.replaces) ops.push({ op: 'replace', route: { protocol, metric, prefix: r.prefix, table, nextHops: r.nextHops } });
    this.pendingCount = ops.length;
    const errors: FibError[] = [];
    let conflict = false;
    let tApplied = tDiffed;
    if (ops.length) {
      const res = await applyRouteOps(this.nl, ops, this.bulkOpts);
      tApplied = performance.now();
      for (let i = 0; i < ops.length; i++) {
        const o = ops[i];
        const err = res.errors.get(i);
        const stray = o.op === 'delete' && o.route.metric !== this.metric;
        if (stray && (!err || err.code === 'ESRCH')) continue;
        if (!err) {
          if (o.op === 'delete') this.installed.delete(o.route.prefix);
          else this.installed.set(o.route.prefix, effective.get(o.route.prefix)!);
          continue;
        }
        if (o.op === 'delete' && err.code === 'ESRCH') {
          this.installed.delete(o.route.prefix); // already gone: that is what we wanted
          continue;
        }
        if (o.op === 'add' && err.code === 'EEXIST') conflict = true; // someone took the key since our dump
        errors.push({ prefix: o.route.prefix, op: o.op, code: err.code, message: err.message });
      }
      this.log(errors.length ? 'warn' : 'debug', `fib: applied ${ops.length - errors.length}/${ops.length} changes`, {
        adds: diff.adds.length,
        replaces: diff.replaces.length,
        deletes: deletes.length,
        failed: errors.length,
        resolveMs: Math.round(tResolved - t0),
        diffMs: Math.round(tDiffed - tResolved),
        applyMs: Math.round(tApplied - tDiffed),
        bookkeepingMs: Math.round(performance.now() - tApplied),
      });
      for (const e of errors.slice(0, 10)) this.log('warn', `fib: ${e.op} ${e.prefix} failed: ${e.message}`);
    }
    if (!deferring) this.strays = [];
    this.errors = errors;
    this.pendingCount = errors.length + held;
    this.lastSyncAt = new Date();
    this.lastSyncMs = performance.now() - t0;
    if (conflict) {
      // Re-read to learn who holds the key; the next pass then skips it with a reason.
      this.scheduleRead(100);
    }
  }

  private evaluate(key: string, want: FibRoute, gatewayFamilies: Map<string, number>, cache: Map<string, FibNextHop | string>): Memo {
    const v = validateFibRoute(key, want, gatewayFamilies);
    if (!v.ok) return { src: want, gen: this.connGen, prefix: key, invalid: v.reason };
    const res = resolveNextHops(want.nextHops, this.connected, cache);
    const m: Memo = { src: want, gen: this.connGen, prefix: v.prefix };
    if (res.unreachable.length) {
      const why = res.unreachable.map((u) => `${u.gateway}: ${u.reason}`).join('; ');
      m.unreachable = res.reachable.length
        ? `partial: installed with ${res.reachable.length} of ${want.nextHops.length} next hops (${why})`
        : `no directly reachable next hop (${why})`;
    }
    if (res.reachable.length) m.eff = { prefix: v.prefix, table: this.table, nextHops: res.reachable };
    return m;
  }

  /** One log line per prefix when its skip reason changes (not every pass). */
  private logSkips(skipped: FibSkip[]): void {
    const now = new Map(skipped.map((s) => [s.prefix, s.reason]));
    let n = 0;
    for (const [prefix, reason] of now) {
      if (this.lastSkipLog.get(prefix) !== reason && n++ < 20) this.log('warn', `fib: skipping ${prefix}: ${reason}`);
    }
    for (const prefix of this.lastSkipLog.keys()) if (!now.has(prefix) && n++ < 40) this.log('info', `fib: ${prefix} no longer skipped`);
    this.lastSkipLog = now;
  }
}

/**
 * Opens the NETLINK_ROUTE sockets FibSync needs (requests/dumps, link/address notifications, and
 * with `watchRoutes` route notifications), optionally in network namespace `netns`, and returns a
 * FibSync that owns them.
 */
export function openFibSync(
  opts: Omit<FibSyncOptions, 'nl' | 'monitor' | 'routeMonitor' | 'ownsSockets'> & { netns?: string; watchRoutes?: boolean },
): FibSync {
  const opened: NetlinkSocket[] = [];
  try {
    const nl = openNetlink({ protocol: NETLINK_ROUTE, netns: opts.netns });
    opened.push(nl);
    const monitor = openNetlink({ protocol: NETLINK_ROUTE, netns: opts.netns });
    opened.push(monitor);
    let routeMonitor: NetlinkSocket | undefined;
    if (opts.watchRoutes) {
      routeMonitor = openNetlink({ protocol: NETLINK_ROUTE, netns: opts.netns, noEnobufs: true, rcvbuf: 1 << 20 });
      opened.push(routeMonitor);
    }
    return new FibSync({ ...opts, nl, monitor, routeMonitor, ownsSockets: true });
  } catch (e) {
    for (const s of opened) s.close();
    throw e;
  }
}
