// NetlinkSocket: our own netlink socket (the thin adapter under rtnetlink and generic netlink).
//
// Why our own and not the `netlink` package's: that addon aborts the whole process on ENOBUFS
// (a lagging multicast reader or too many un-read ACKs), and its errors carry no errno
// (notes/stack.md §2). Here a koffi-owned non-blocking fd is read by us, so ENOBUFS is just a
// return value: pending work is rejected with NetlinkResyncError ('resync-needed') and a
// 'resync-needed' event tells the owner to re-dump. Nothing here throws out of a callback.
//
// Why koffi.node.poll for readability: it is a libuv uv_poll on our fd, so the event loop wakes
// us only when the kernel queued something; the alternatives (a timer polling recv, or a blocking
// recv on a koffi worker thread) either burn CPU / add latency or tie up the libuv threadpool.
// rtnetlink requests are processed synchronously inside send(), so bulk() also drains replies
// right after sending, without waiting for the poll callback (one recv per datagram of ACKs).
//
// API
//   const nl = openNetlink({ protocol: NETLINK_ROUTE, netns?: 'name', groups?: [RTNLGRP_LINK] });
//   await nl.request(type, flags, w => { ...body... })   → reply messages (ACK requested; rejects
//                                                           with NetlinkError {errno, code, extAck})
//   await nl.dump(type, w => { ...body... }, { onMessage? }) → all messages until NLMSG_DONE
//   await nl.bulk(count, (i, w, seq) => { w.beginMessage(type, flags, seq, nl.portId); …; w.endMessage() },
//                 { window?, maxDatagram?, ackEach? })  → { ok, failed, errors: Map<index, NetlinkError> }
//   nl.on('notification', msg => …)   multicast messages (decode synchronously or copy)
//   nl.on('resync-needed', err => …)  replies or notifications were lost
//   nl.on('callback-error', err => …) a 'notification' listener threw (the socket keeps going)
//   nl.addMembership(group); nl.close();
//
// Message payloads handed out are views into a per-datagram copy: they stay valid.

import { EventEmitter } from 'node:events';
import koffi from 'koffi';
import {
  AF_NETLINK,
  NETLINK_ADD_MEMBERSHIP,
  NETLINK_CAP_ACK,
  NETLINK_DROP_MEMBERSHIP,
  NETLINK_EXT_ACK,
  NETLINK_NO_ENOBUFS,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  MSG_DONTWAIT,
  MSG_TRUNC,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_SNDBUF,
  SO_SNDBUFFORCE,
} from './constants.js';
import { NetlinkError, NetlinkResyncError, NetlinkSyscallError, type ResyncReason } from './errors.js';
import { libc } from './libc.js';
import { parseAck, parseDone, parseMessages, type NetlinkMessage } from './message.js';
import { withNetns } from './netns.js';
import { NetlinkWriter } from './writer.js';

const EAGAIN = 11;
const EINTR = 4;
const ENOBUFS = 105;
const EINVAL = 22;

/**
 * A per-request NetlinkError without a stack trace: it would always point at this dispatcher, and
 * capturing it costs more than the rest of the failure path (100k failures: 1.8 s → under 1 s).
 */
function quietError(errno: number, extAck?: string, requestType?: number): NetlinkError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NetlinkError(errno, { extAck, requestType });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export interface OpenNetlinkOptions {
  /** NETLINK_ROUTE (0), NETLINK_GENERIC (16), … */
  protocol: number;
  /** Network namespace: a name under /var/run/netns, or a path. The socket lives there for good. */
  netns?: string;
  /** Receive buffer bytes (SO_RCVBUFFORCE, falling back to SO_RCVBUF). Default 8 MiB. */
  rcvbuf?: number;
  /** Send buffer bytes (also bounds one datagram). Default 8 MiB. */
  sndbuf?: number;
  /** Multicast groups to join at open. */
  groups?: number[];
  /**
   * NETLINK_NO_ENOBUFS: the kernel stops reporting overruns. Default false: we prefer to learn
   * about the loss (as a 'resync-needed' event) and re-dump at once.
   */
  noEnobufs?: boolean;
  /** A request/dump/bulk whose reply has not arrived after this long is failed as lost. Default 30 s. */
  timeoutMs?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
}

export interface DumpOptions extends RequestOptions {
  /** Extra flags besides NLM_F_REQUEST|NLM_F_DUMP. */
  flags?: number;
  /** Stream messages to this callback instead of collecting them (the result is then empty). */
  onMessage?: (msg: NetlinkMessage) => void;
}

export interface BulkOptions extends RequestOptions {
  /** Most requests sent but not yet acknowledged. Default 4096. */
  window?: number;
  /** Most bytes per datagram. Default 64 KiB. */
  maxDatagram?: number;
  /**
   * Ask an ACK for every request (true) or only for the last one of each datagram (false, default).
   * The kernel reports every failed request anyway and processes a socket's requests in order,
   * so the datagram's last ACK proves all earlier requests without an error succeeded.
   */
  ackEach?: boolean;
}

export interface BulkResult {
  ok: number;
  failed: number;
  /** Request index → the kernel's error. Indexes absent here succeeded. */
  errors: Map<number, NetlinkError>;
}

/** Writes the message for request `index` with the given `seq` (header pid = socket.portId). */
export type BulkEncoder = (index: number, w: NetlinkWriter, seq: number) => void;

interface Pending {
  dump: boolean;
  type: number;
  replies: NetlinkMessage[];
  onMessage?: (msg: NetlinkMessage) => void;
  interrupted: boolean;
  resolve: (msgs: NetlinkMessage[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface BulkOp {
  firstSeq: number;
  count: number;
  /** Datagrams sent and not yet fully acknowledged: [lastIndex, messageCount] pairs in order. */
  inflight: number[];
  inflightMsgs: number;
  errors: Map<number, NetlinkError>;
  failure?: Error;
  wake?: () => void;
}

let openCount = 0;

export class NetlinkSocket extends EventEmitter {
  readonly fd: number;
  readonly protocol: number;
  /** Our netlink port id (nl_pid), assigned by the kernel at bind. */
  readonly portId: number;
  private readonly timeoutMs: number;
  private readonly rbuf = Buffer.alloc(256 * 1024);
  private readonly writer = new NetlinkWriter(64 * 1024);
  private readonly pending = new Map<number, Pending>();
  private readonly bulks = new Set<BulkOp>();
  private seq: number;
  private poll: ReturnType<typeof koffi.node.poll> | undefined;
  private closed = false;
  private referenced = false;

  /** Use openNetlink(). */
  constructor(fd: number, protocol: number, portId: number, timeoutMs: number) {
    super();
    this.fd = fd;
    this.protocol = protocol;
    this.portId = portId;
    this.timeoutMs = timeoutMs;
    // Distinct starting points make replies of different sockets easy to tell apart in traces.
    this.seq = ((Date.now() & 0xffff) << 12) + (++openCount << 4) + 1;
    this.poll = koffi.node.poll(fd, { readable: true }, () => this.drain());
    this.poll.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reserves `n` consecutive sequence numbers and returns the first (never 0: notifications use 0). */
  private takeSeq(n: number): number {
    if (this.seq + n >= 0xffffffff) this.seq = 1;
    const s = this.seq;
    this.seq += n;
    return s;
  }

  addMembership(group: number): void {
    this.setIntOpt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group, 'NETLINK_ADD_MEMBERSHIP');
  }

  dropMembership(group: number): void {
    this.setIntOpt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group, 'NETLINK_DROP_MEMBERSHIP');
  }

  /** setsockopt(fd, level, name, int); throws NetlinkSyscallError. */
  setIntOpt(level: number, name: number, value: number, what = `option ${level}/${name}`): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value, 0);
    if (libc().setsockopt(this.fd, level, name, b, 4) !== 0) throw new NetlinkSyscallError('setsockopt', libc().errno(), what);
  }

  getIntOpt(level: number, name: number): number {
    const b = Buffer.alloc(4);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(4, 0);
    if (libc().getsockopt(this.fd, level, name, b, len) !== 0) throw new NetlinkSyscallError('getsockopt', libc().errno());
    return b.readInt32LE(0);
  }

  /**
   * Sends one request with NLM_F_REQUEST|NLM_F_ACK|flags and resolves with the messages the kernel
   * replied before the ACK (empty for plain NEW/DEL; the object for a non-dump GET).
   */
  request(type: number, flags: number, body?: (w: NetlinkWriter) => void, opts: RequestOptions = {}): Promise<NetlinkMessage[]> {
    return this.start(type, NLM_F_REQUEST | NLM_F_ACK | flags, body, false, opts.timeoutMs, undefined);
  }

  /**
   * Dump request (NLM_F_REQUEST|NLM_F_DUMP): collects every reply until NLMSG_DONE. Rejects with
   * NetlinkError EINTR when the kernel flags the dump as interrupted (NLM_F_DUMP_INTR: the table
   * changed during the dump; re-dump for a consistent view).
   */
  dump(type: number, body?: (w: NetlinkWriter) => void, opts: DumpOptions = {}): Promise<NetlinkMessage[]> {
    return this.start(type, NLM_F_REQUEST | NLM_F_DUMP | (opts.flags ?? 0), body, true, opts.timeoutMs, opts.onMessage);
  }

  private start(
    type: number,
    flags: number,
    body: ((w: NetlinkWriter) => void) | undefined,
    dump: boolean,
    timeoutMs: number | undefined,
    onMessage: ((m: NetlinkMessage) => void) | undefined,
  ): Promise<NetlinkMessage[]> {
    if (this.closed) return Promise.reject(new NetlinkResyncError('closed'));
    const seq = this.takeSeq(1);
    const w = this.writer;
    w.reset();
    try {
      w.beginMessage(type, flags, seq, this.portId);
      body?.(w);
      w.endMessage();
    } catch (e) {
      w.reset();
      return Promise.reject(e);
    }
    return new Promise<NetlinkMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(seq)) {
          this.updateRef();
          reject(new NetlinkResyncError('timeout', `no reply to message type ${type} seq ${seq}`));
        }
      }, timeoutMs ?? this.timeoutMs);
      this.pending.set(seq, { dump, type, replies: [], onMessage, interrupted: false, resolve, reject, timer });
      this.updateRef();
      const err = this.sendBytes(w.buf, w.length);
      if (err) {
        this.pending.delete(seq);
        clearTimeout(timer);
        this.updateRef();
        reject(err);
        return;
      }
      // rtnetlink answers inside send(); read now rather than waiting for the next poll tick.
      this.drain();
    });
  }

  /**
   * Sends `count` requests, many per datagram, with at most `window` un-acknowledged. The encoder
   * writes request `i` with the sequence number given (flags must include what the operation needs,
   * e.g. NLM_F_CREATE; NLM_F_REQUEST and NLM_F_ACK are added here). Resolves with per-request
   * results; rejects only when outcomes are unknown (NetlinkResyncError) or the socket failed.
   */
  async bulk(count: number, encode: BulkEncoder, opts: BulkOptions = {}): Promise<BulkResult> {
    if (this.closed) throw new NetlinkResyncError('closed');
    const window = Math.max(1, opts.window ?? 4096);
    const maxDatagram = Math.max(1024, opts.maxDatagram ?? 64 * 1024);
    const ackEach = opts.ackEach ?? false;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const op: BulkOp = { firstSeq: this.takeSeq(count), count, inflight: [], inflightMsgs: 0, errors: new Map() };
    const w = new NetlinkWriter(maxDatagram + 4096);
    this.bulks.add(op);
    this.updateRef();
    try {
      let next = 0;
      let lastYield = Date.now();
      while (next < count || op.inflightMsgs > 0) {
        if (op.failure) throw op.failure;
        while (next < count && op.inflightMsgs < window && !op.failure) {
          w.reset();
          const first = next;
          let lastOff = -1;
          let lastIdx = -1;
          while (next < count && w.length < maxDatagram && op.inflightMsgs + (next - first) < window) {
            const off = w.length;
            try {
              encode(next, w, (op.firstSeq + next) >>> 0);
            } catch (e) {
              // A request that cannot be encoded is not sent; it fails alone, the batch goes on.
              w.truncate(off);
              op.errors.set(next, quietError(EINVAL, `not sent: ${(e as Error).message}`));
              next++;
              continue;
            }
            // Every message is a request; ACK either each one or only the datagram's last.
            const f = w.buf.readUInt16LE(off + 6) | NLM_F_REQUEST | (ackEach ? NLM_F_ACK : 0);
            w.buf.writeUInt16LE(f, off + 6);
            lastOff = off;
            lastIdx = next;
            next++;
          }
          if (lastOff < 0) continue; // nothing encodable in this stretch
          w.buf.writeUInt16LE(w.buf.readUInt16LE(lastOff + 6) | NLM_F_ACK, lastOff + 6);
          op.inflight.push(lastIdx, next - first);
          op.inflightMsgs += next - first;
          const err = this.sendBytes(w.buf, w.length);
          if (err) {
            // Earlier datagrams were applied; this one was not. Outcome of the whole op is partial.
            throw new NetlinkResyncError('overrun', `bulk send failed after ${first} of ${count}: ${err.message}`);
          }
        }
        this.drain();
        if (op.failure) throw op.failure;
        if (op.inflightMsgs > 0 && (next >= count || op.inflightMsgs >= window)) {
          await this.waitBulk(op, timeoutMs);
          lastYield = Date.now();
        } else if (Date.now() - lastYield > 20) {
          // Let timers and other sockets run during a long install.
          await new Promise<void>((r) => setImmediate(r));
          lastYield = Date.now();
        }
      }
      if (op.failure) throw op.failure;
      return { ok: count - op.errors.size, failed: op.errors.size, errors: op.errors };
    } finally {
      this.bulks.delete(op);
      this.updateRef();
    }
  }

  private waitBulk(op: BulkOp, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        op.failure ??= new NetlinkResyncError('timeout', `bulk: ${op.inflightMsgs} requests unacknowledged`);
        op.wake = undefined;
        resolve();
      }, timeoutMs);
      op.wake = () => {
        clearTimeout(timer);
        op.wake = undefined;
        resolve();
      };
      // The ACK may already be queued.
      this.drain();
    });
  }

  /** Sends one datagram; returns an error instead of throwing. Retries EINTR/EAGAIN briefly. */
  private sendBytes(buf: Buffer, len: number): Error | undefined {
    const c = libc();
    for (let attempt = 0; ; attempt++) {
      const n = c.send(this.fd, buf, len, 0);
      if (n === len) return undefined;
      const errno = n < 0 ? c.errno() : 0;
      if ((errno === EINTR || errno === EAGAIN) && attempt < 100) continue;
      return new NetlinkSyscallError('send', errno || 5, n >= 0 ? `short write ${n}/${len}` : undefined);
    }
  }

  /** Reads every queued datagram and dispatches it. Never throws. */
  private drain(): void {
    if (this.closed) return;
    const c = libc();
    for (;;) {
      const n = c.recv(this.fd, this.rbuf, this.rbuf.length, MSG_DONTWAIT | MSG_TRUNC);
      if (n < 0) {
        const errno = c.errno();
        if (errno === EAGAIN) return;
        if (errno === EINTR) continue;
        if (errno === ENOBUFS) {
          this.lost('ENOBUFS');
          continue; // the socket is still usable; read what is left
        }
        this.lost('overrun', `recv errno ${errno}`);
        return;
      }
      if (n === 0) return;
      if (n > this.rbuf.length) {
        // Cannot happen with a 256 KiB buffer (the kernel caps dump skbs at 32 KiB), but never misparse.
        this.lost('overrun', `datagram of ${n} bytes truncated`);
        continue;
      }
      // One copy per datagram so handed-out payloads stay valid after the next recv.
      const data = Buffer.allocUnsafe(n);
      this.rbuf.copy(data, 0, 0, n);
      this.dispatch(data);
    }
  }

  private dispatch(data: Buffer): void {
    for (const m of parseMessages(data)) {
      if (m.pid === this.portId && m.seq !== 0) {
        const p = this.pending.get(m.seq);
        if (p) {
          this.onReply(m.seq, p, m);
          continue;
        }
        if (this.bulks.size && this.onBulkReply(m)) continue;
        // A late reply to work already failed (timeout, consumer error): nobody waits for it.
        // (Multicast notifications of our own changes also carry our pid and seq, but are neither
        // acks nor multi-part dump replies: those still go to 'notification' below.)
        if (m.type === NLMSG_ERROR || m.type === NLMSG_DONE || m.flags & NLM_F_MULTI) continue;
      }
      if (m.type === NLMSG_OVERRUN) {
        this.lost('overrun');
        continue;
      }
      if (m.type === NLMSG_NOOP) continue;
      try {
        this.emit('notification', m);
      } catch (e) {
        // A listener threw: report it, keep reading (the socket must outlive its consumers' bugs).
        this.reportCallbackError(e);
      }
    }
  }

  private onReply(seq: number, p: Pending, m: NetlinkMessage): void {
    if (m.flags & NLM_F_DUMP_INTR) p.interrupted = true;
    if (m.type === NLMSG_ERROR) {
      const ack = parseAck(m.payload, m.flags);
      this.finish(seq, p, ack.errno === 0 ? undefined : new NetlinkError(ack.errno, { extAck: ack.extAck, requestType: p.type }));
      return;
    }
    if (m.type === NLMSG_DONE) {
      const done = parseDone(m.payload, m.flags);
      if (done.errno) this.finish(seq, p, new NetlinkError(done.errno, { extAck: done.extAck, requestType: p.type, what: 'netlink dump' }));
      else if (p.interrupted)
        this.finish(seq, p, new NetlinkError(EINTR, { extAck: 'dump interrupted by a concurrent change; dump again', requestType: p.type, what: 'netlink dump' }));
      else this.finish(seq, p, undefined);
      return;
    }
    if (p.onMessage) {
      try {
        p.onMessage(m);
      } catch (e) {
        // The dump's consumer failed: fail the dump; its remaining replies are dropped as strays.
        this.finish(seq, p, e instanceof Error ? e : new Error(String(e)));
      }
    } else p.replies.push(m);
  }

  private finish(seq: number, p: Pending, err: Error | undefined): void {
    this.pending.delete(seq);
    clearTimeout(p.timer);
    this.updateRef();
    if (err) p.reject(err);
    else p.resolve(p.replies);
  }

  /** Handles a reply that belongs to a bulk op; false if it belongs to none. */
  private onBulkReply(m: NetlinkMessage): boolean {
    if (m.type !== NLMSG_ERROR) return false;
    for (const op of this.bulks) {
      const idx = (m.seq - op.firstSeq) >>> 0;
      if (idx >= op.count) continue;
      const ack = parseAck(m.payload, m.flags);
      if (ack.errno !== 0) op.errors.set(idx, quietError(ack.errno, ack.extAck, ack.requestType));
      // In-order processing: an answer to request idx completes every datagram ending at or before it.
      while (op.inflight.length && op.inflight[0] <= idx) {
        op.inflightMsgs -= op.inflight[1];
        op.inflight.splice(0, 2);
      }
      op.wake?.();
      return true;
    }
    return false;
  }

  private reportCallbackError(e: unknown): void {
    if (this.listenerCount('callback-error') > 0) this.emit('callback-error', e);
  }

  /** Replies were lost: fail everything in flight, tell the owner. */
  private lost(reason: ResyncReason, detail?: string): void {
    const err = new NetlinkResyncError(reason, detail);
    for (const [seq, p] of [...this.pending]) this.finish(seq, p, err);
    for (const op of this.bulks) {
      op.failure ??= err;
      op.wake?.();
    }
    this.emit('resync-needed', err);
  }

  /** Keep the event loop alive only while replies are awaited. */
  private updateRef(): void {
    const want = this.pending.size > 0 || this.bulks.size > 0;
    if (want === this.referenced || !this.poll) return;
    this.referenced = want;
    if (want) this.poll.ref();
    else this.poll.unref();
  }

  /** Closes the socket; work in flight is rejected with NetlinkResyncError('closed'). Idempotent. */
  close(): void {
    if (this.closed) return;
    const err = new NetlinkResyncError('closed');
    for (const [seq, p] of [...this.pending]) this.finish(seq, p, err);
    for (const op of this.bulks) {
      op.failure ??= err;
      op.wake?.();
    }
    this.closed = true;
    if (this.poll) {
      this.poll.stop();
      this.poll.close();
      this.poll = undefined;
    }
    libc().close(this.fd);
    this.removeAllListeners('notification');
  }
}

/** Opens, configures and binds a netlink socket (in `netns` when given). Throws NetlinkSyscallError. */
export function openNetlink(opts: OpenNetlinkOptions): NetlinkSocket {
  const c = libc();
  const create = (): number => {
    const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, opts.protocol);
    if (fd < 0) throw new NetlinkSyscallError('socket', c.errno(), `AF_NETLINK protocol ${opts.protocol}`);
    return fd;
  };
  const fd = opts.netns ? withNetns(opts.netns, create) : create();
  let portId: number;
  try {
    const setInt = (level: number, name: number, v: number): boolean => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v, 0);
      return c.setsockopt(fd, level, name, b, 4) === 0;
    };
    const rcv = opts.rcvbuf ?? 8 << 20;
    const snd = opts.sndbuf ?? 8 << 20;
    // FORCE ignores net.core.rmem_max (4 MiB here) and needs CAP_NET_ADMIN; without it, take what we may.
    if (!setInt(SOL_SOCKET, SO_RCVBUFFORCE, rcv)) setInt(SOL_SOCKET, SO_RCVBUF, rcv);
    if (!setInt(SOL_SOCKET, SO_SNDBUFFORCE, snd)) setInt(SOL_SOCKET, SO_SNDBUF, snd);
    // Kernel's error text in acks, and no echo of our (possibly large) request in every ack.
    setInt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    setInt(SOL_NETLINK, NETLINK_CAP_ACK, 1);
    if (opts.noEnobufs) setInt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
    const sa = Buffer.alloc(12);
    sa.writeUInt16LE(AF_NETLINK, 0);
    if (c.bind(fd, sa, 12) !== 0) throw new NetlinkSyscallError('bind', c.errno());
    const len = Buffer.alloc(4);
    len.writeUInt32LE(12, 0);
    if (c.getsockname(fd, sa, len) !== 0) throw new NetlinkSyscallError('getsockname', c.errno());
    portId = sa.readUInt32LE(4);
  } catch (e) {
    c.close(fd);
    throw e;
  }
  const sock = new NetlinkSocket(fd, opts.protocol, portId, opts.timeoutMs ?? 30_000);
  try {
    for (const g of opts.groups ?? []) sock.addMembership(g);
  } catch (e) {
    sock.close();
    throw e;
  }
  return sock;
}
