// An in-memory IPVS "kernel" behind the IpvsTransport seam: decodes real request bytes with the
// codec, keeps services and destinations, answers like ip_vs_ctl.c (EEXIST, ESRCH, ENOENT).
import { AttrWriter, parseAttrs } from '../../../src/netlink/ipvs/attr.js';
import { decodeAddr } from '../../../src/netlink/ipvs/address.js';
import { Cmd, CmdAttr, DestAttr } from '../../../src/netlink/ipvs/constants.js';
import { decodeDestination, encodeDestination } from '../../../src/netlink/ipvs/destination.js';
import { destKey, serviceIdKey } from '../../../src/netlink/ipvs/keys.js';
import type { IpvsRequest } from '../../../src/netlink/ipvs/messages.js';
import { decodeService, encodeService } from '../../../src/netlink/ipvs/service.js';
import { IpvsRequestError, type IpvsTransport } from '../../../src/netlink/ipvs/transport.js';
import type { IpvsDestinationEntry, IpvsService } from '../../../src/netlink/ipvs/types.js';

export interface FakeService {
  service: IpvsService;
  dests: Map<string, IpvsDestinationEntry>;
}

const EEXIST = 17, ESRCH = 3, ENOENT = 2;

export class FakeIpvsKernel implements IpvsTransport {
  readonly services = new Map<string, FakeService>();
  /** Every request received, by command name, for "touches only its own" assertions. */
  readonly log: { cmd: number; key: string }[] = [];

  private svcOf(attrs: Map<number, Buffer>): { key: string; service: IpvsService } {
    const e = decodeService(attrs.get(CmdAttr.SERVICE)!);
    const { rawFlags: _r, stats: _s, ...service } = e;
    return { key: serviceIdKey(service.id), service };
  }

  private handle(req: IpvsRequest): Buffer[] {
    const a = parseAttrs(req.attrs);
    if (req.cmd === Cmd.GET_SERVICE && req.dump) return [...this.services.values()].map((s) => new AttrWriter().nested(CmdAttr.SERVICE, encodeService(s.service)).toBuffer());
    const { key, service } = this.svcOf(a);
    this.log.push({ cmd: req.cmd, key });
    const cur = this.services.get(key);
    const fail = (errno: number): never => { throw new IpvsRequestError(errno, String(errno), req.cmd); };
    switch (req.cmd) {
      case Cmd.NEW_SERVICE: if (cur) fail(EEXIST); this.services.set(key, { service, dests: new Map() }); return [];
      case Cmd.SET_SERVICE: if (!cur) fail(ESRCH); cur!.service = service; return [];
      case Cmd.DEL_SERVICE: if (!cur) fail(ESRCH); this.services.delete(key); return [];
      case Cmd.GET_SERVICE: if (!cur) fail(ESRCH); return [new AttrWriter().nested(CmdAttr.SERVICE, encodeService(cur!.service)).toBuffer()];
      case Cmd.GET_DEST: return cur ? [...cur.dests.values()].map((d) => new AttrWriter().nested(CmdAttr.DEST, encodeDestination(d).u32(DestAttr.ACTIVE_CONNS, d.activeConns).u32(DestAttr.INACT_CONNS, d.inactiveConns).u32(DestAttr.PERSIST_CONNS, d.persistConns)).toBuffer()) : [];
    }
    if (!cur) fail(ESRCH);
    const da = parseAttrs(a.get(CmdAttr.DEST)!);
    const dk = destKey({ address: decodeAddr(da.get(DestAttr.ADDR)!, service.id.family), port: da.get(DestAttr.PORT)!.readUInt16BE(0) });
    const have = cur!.dests.get(dk);
    switch (req.cmd) {
      case Cmd.NEW_DEST: {
        if (have) fail(EEXIST);
        const d = decodeDestination(a.get(CmdAttr.DEST)!, service.id.family);
        cur!.dests.set(dk, { ...d, activeConns: 0, inactiveConns: 0, persistConns: 0 });
        return [];
      }
      case Cmd.SET_DEST: {
        if (!have) fail(ENOENT);
        const d = decodeDestination(a.get(CmdAttr.DEST)!, service.id.family);
        cur!.dests.set(dk, { ...d, activeConns: have!.activeConns, inactiveConns: have!.inactiveConns, persistConns: have!.persistConns });
        return [];
      }
      case Cmd.DEL_DEST: if (!have) fail(ENOENT); cur!.dests.delete(dk); return [];
    }
    throw new Error(`fake kernel: command ${req.cmd} not supported`);
  }

  async request(req: IpvsRequest): Promise<Buffer[]> {
    return this.handle(req);
  }

  async batch(reqs: readonly IpvsRequest[]): Promise<number[]> {
    return reqs.map((r) => {
      try {
        this.handle(r);
        return 0;
      } catch (e) {
        if (e instanceof IpvsRequestError) return e.errno;
        throw e;
      }
    });
  }

  close(): void {}

  /** "dest text" lines per service key, for compact assertions. */
  dump(): Record<string, string[]> {
    const o: Record<string, string[]> = {};
    for (const [k, s] of [...this.services].sort()) o[k] = [...s.dests.values()].map((d) => `${destKey(d)} w${d.weight}`).sort();
    return o;
  }
}
