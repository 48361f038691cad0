// The IPVS transport over the project's own netlink socket (src/netlink/socket.ts): requests with
// ACK and errno, dumps, and the batched bulk sender (many requests per datagram, one ACK per
// datagram, errors per request). Replaces RawIpvsTransport, which stays only as a fallback.

import { NetlinkError, NetlinkResyncError } from '../errors.js';
import { resolveGenlFamily, writeGenlHeader } from '../genl.js';
import type { NetlinkMessage } from '../message.js';
import { openNetlink, type NetlinkSocket } from '../socket.js';
import { GENL_HDRLEN, IPVS_GENL_NAME, IPVS_GENL_VERSION, NETLINK_GENERIC } from './constants.js';
import type { IpvsRequest } from './messages.js';
import { IpvsRequestError, IpvsResyncError, type IpvsTransport } from './transport.js';

export interface SocketTransportOptions {
  /** Network namespace name or path (tests); default: the agent's own. */
  netns?: string;
  /** Bulk window (requests without an ACK yet). */
  window?: number;
}

const payloadOf = (m: NetlinkMessage): Buffer => m.payload.subarray(GENL_HDRLEN);

function translate(e: unknown, cmd: number): Error {
  if (e instanceof NetlinkError) return new IpvsRequestError(e.errno, e.code, cmd);
  if (e instanceof NetlinkResyncError) return new IpvsResyncError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

export class SocketIpvsTransport implements IpvsTransport {
  private constructor(private readonly nl: NetlinkSocket, readonly familyId: number, private readonly window: number) {}

  static async open(opts: SocketTransportOptions = {}): Promise<SocketIpvsTransport> {
    const nl = openNetlink({ protocol: NETLINK_GENERIC, ...(opts.netns ? { netns: opts.netns } : {}) });
    try {
      const fam = await resolveGenlFamily(nl, IPVS_GENL_NAME);
      return new SocketIpvsTransport(nl, fam.id, opts.window ?? 4096);
    } catch (e) {
      nl.close();
      throw e;
    }
  }

  async request(req: IpvsRequest): Promise<Buffer[]> {
    const body = (w: Parameters<typeof writeGenlHeader>[0]): void => {
      writeGenlHeader(w, req.cmd, IPVS_GENL_VERSION);
      w.raw(req.attrs);
    };
    try {
      const msgs = req.dump ? await this.nl.dump(this.familyId, body) : await this.nl.request(this.familyId, 0, body);
      return msgs.map(payloadOf);
    } catch (e) {
      throw translate(e, req.cmd);
    }
  }

  async batch(reqs: readonly IpvsRequest[]): Promise<number[]> {
    const out = new Array<number>(reqs.length).fill(0);
    if (reqs.length === 0) return out;
    try {
      const r = await this.nl.bulk(
        reqs.length,
        (i, w, seq) => {
          w.beginMessage(this.familyId, 0, seq, this.nl.portId);
          writeGenlHeader(w, reqs[i].cmd, IPVS_GENL_VERSION);
          w.raw(reqs[i].attrs);
          w.endMessage();
        },
        { window: this.window },
      );
      for (const [i, err] of r.errors) out[i] = err.errno;
      return out;
    } catch (e) {
      throw translate(e, reqs[0].cmd);
    }
  }

  close(): void {
    this.nl.close();
  }
}
