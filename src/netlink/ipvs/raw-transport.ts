// Stopgap IPVS transport over the `netlink` package's RawNetlinkSocket (one AF_NETLINK socket,
// NETLINK_GENERIC). We do our own framing so that a batch packs hundreds of requests into one
// sendmsg and keeps a bounded window of ACKs outstanding (bounded so the receive buffer never
// overflows: an overflow is ENOBUFS and lost ACKs). Swap for src/netlink/socket.ts when it lands.

import { constants as osConstants } from 'node:os';
import { AttrWriter, getU16, parseAttrs } from './attr.js';
import { IPVS_GENL_NAME, IPVS_GENL_VERSION, NETLINK_GENERIC, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from './constants.js';
import type { IpvsRequest } from './messages.js';
import { encodeGenlMessage, errorCode, genlMessageSize, genlPayload, isDone, isError, parseNetlinkMessages, writeGenlMessage, type NetlinkMessage } from './nlmsg.js';
import { IpvsRequestError, IpvsResyncError, type IpvsTransport } from './transport.js';

const GENL_ID_CTRL = 16;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;

const ERRNO_NAME = new Map<number, string>();
for (const [n, v] of Object.entries(osConstants.errno)) if (!ERRNO_NAME.has(v)) ERRNO_NAME.set(v, n);
export const errnoName = (e: number): string => ERRNO_NAME.get(e) ?? `E${e}`;

interface Pending {
  replies: Buffer[];
  done: (err: Error | null, replies: Buffer[], errno: number) => void;
  dump: boolean;
}

interface RawSocket {
  send(msg: Uint8Array, options?: { port?: number }, cb?: (err?: Error & { errno?: number }) => void): void;
  on(ev: 'message', fn: (msg: Buffer) => void): unknown;
  on(ev: 'error', fn: (err: Error & { errno?: number; code?: string }) => void): unknown;
  close(): void;
}

export interface RawTransportOptions {
  /** Requests in flight at most (one datagram each window slice). */
  window?: number;
  recvBufferSize?: number;
}

export class RawIpvsTransport implements IpvsTransport {
  private seq = 1;
  private pending = new Map<number, Pending>();
  private family = 0;
  private readonly window: number;

  private constructor(private readonly sock: RawSocket, opts: RawTransportOptions) {
    this.window = opts.window ?? 256;
    sock.on('message', (buf) => this.onDatagram(buf));
    // The package emits 'error' for ENOBUFS on receive; an unhandled 'error' would kill the process.
    sock.on('error', (err) => this.failAll(new IpvsResyncError(`netlink socket error: ${err.code ?? err.message}; replies lost`)));
  }

  static async open(opts: RawTransportOptions = {}): Promise<RawIpvsTransport> {
    const { RawNetlinkSocket } = (await import('netlink')) as unknown as { RawNetlinkSocket: new (p: number, o: object) => RawSocket };
    const recv = opts.recvBufferSize ?? 8 << 20;
    const sock = new RawNetlinkSocket(NETLINK_GENERIC, { recvBufferSize: recv, sendBufferSize: 4 << 20, msgBufferSize: 65536 });
    const t = new RawIpvsTransport(sock, opts);
    try {
      t.family = await t.resolveFamily(IPVS_GENL_NAME);
    } catch (e) {
      t.close();
      throw e;
    }
    return t;
  }

  get familyId(): number {
    return this.family;
  }

  private async resolveFamily(name: string): Promise<number> {
    const attrs = new AttrWriter().str(CTRL_ATTR_FAMILY_NAME, name).toBuffer();
    const replies = await this.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, attrs, false);
    if (!replies[0]) throw new Error(`generic netlink family ${name}: no reply`);
    return getU16(parseAttrs(replies[0]), CTRL_ATTR_FAMILY_ID, 'CTRL_ATTR_FAMILY_ID');
  }

  private nextSeq(): number {
    this.seq = (this.seq % 0x7fffffff) + 1;
    return this.seq;
  }

  private send(family: number, cmd: number, version: number, attrs: Buffer, dump: boolean): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const seq = this.nextSeq();
      const flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
      this.pending.set(seq, {
        replies: [],
        dump,
        done: (err, replies, errno) => {
          if (err) reject(err);
          else if (errno) reject(new IpvsRequestError(errno, errnoName(errno), cmd));
          else resolve(replies);
        },
      });
      this.sock.send(encodeGenlMessage(family, flags, seq, cmd, version, attrs), { port: 0 }, (err) => {
        if (err) this.finish(seq, new IpvsResyncError(`send failed: ${err.message}`), 0);
      });
    });
  }

  request(req: IpvsRequest): Promise<Buffer[]> {
    return this.send(this.family, req.cmd, IPVS_GENL_VERSION, req.attrs, req.dump === true);
  }

  async batch(reqs: readonly IpvsRequest[]): Promise<number[]> {
    const result = new Array<number>(reqs.length).fill(0);
    for (let start = 0; start < reqs.length; start += this.window) {
      const end = Math.min(reqs.length, start + this.window);
      let size = 0;
      for (let i = start; i < end; i++) size += genlMessageSize(reqs[i].attrs);
      const buf = Buffer.alloc(size);
      const waits: Promise<void>[] = [];
      let at = 0;
      for (let i = start; i < end; i++) {
        const seq = this.nextSeq();
        const r = reqs[i];
        at += writeGenlMessage(buf, at, this.family, NLM_F_REQUEST | NLM_F_ACK, seq, r.cmd, IPVS_GENL_VERSION, r.attrs);
        waits.push(new Promise<void>((resolve, reject) => {
          this.pending.set(seq, { replies: [], dump: false, done: (err, _r, errno) => (err ? reject(err) : ((result[i] = errno), resolve())) });
        }));
      }
      const sent = new Promise<void>((resolve, reject) => this.sock.send(buf, { port: 0 }, (err) => (err ? reject(new IpvsResyncError(`send failed: ${err.message}`)) : resolve())));
      // If the send itself fails, the pending entries would wait forever: fail them all.
      await sent.catch((e: Error) => this.failAll(e));
      await Promise.all(waits);
    }
    return result;
  }

  private onDatagram(buf: Buffer): void {
    for (const m of parseNetlinkMessages(buf)) this.onMessage(m);
  }

  private onMessage(m: NetlinkMessage): void {
    const p = this.pending.get(m.seq);
    if (!p) return; // late reply to a request we already failed
    if (isError(m)) return this.finish(m.seq, null, errorCode(m));
    if (isDone(m)) return this.finish(m.seq, null, 0);
    p.replies.push(Buffer.from(genlPayload(m))); // copy: the datagram buffer may be reused
  }

  private finish(seq: number, err: Error | null, errno: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    p.done(err, p.replies, errno);
  }

  private failAll(err: Error): void {
    for (const seq of [...this.pending.keys()]) this.finish(seq, err, 0);
  }

  close(): void {
    this.failAll(new IpvsResyncError('transport closed'));
    this.sock.close();
  }
}
