// The typed IPVS client: what a controller calls. Thin over a transport; all byte work lives in
// messages.ts and the codecs.

import * as msg from './messages.js';
import type { IpvsTransport } from './transport.js';
import type { IpvsDestination, IpvsDestinationEntry, IpvsInfo, IpvsService, IpvsServiceEntry, IpvsTimeouts, ServiceId } from './types.js';

/** One change, for batched application. */
export type IpvsOp =
  | { op: 'add-service'; service: IpvsService }
  | { op: 'update-service'; service: IpvsService }
  | { op: 'delete-service'; id: ServiceId }
  | { op: 'add-dest'; id: ServiceId; dest: IpvsDestination }
  | { op: 'update-dest'; id: ServiceId; dest: IpvsDestination }
  | { op: 'delete-dest'; id: ServiceId; dest: Pick<IpvsDestination, 'address' | 'port'> };

export function opRequest(o: IpvsOp): msg.IpvsRequest {
  switch (o.op) {
    case 'add-service': return msg.newService(o.service);
    case 'update-service': return msg.setService(o.service);
    case 'delete-service': return msg.delService(o.id);
    case 'add-dest': return msg.newDest(o.id, o.dest);
    case 'update-dest': return msg.setDest(o.id, o.dest);
    case 'delete-dest': return msg.delDest(o.id, o.dest);
  }
}

export class IpvsClient {
  constructor(readonly transport: IpvsTransport) {}

  async info(): Promise<IpvsInfo> {
    const [r] = await this.transport.request(msg.getInfo());
    if (!r) throw new Error('IPVS GET_INFO: no reply');
    return msg.parseInfoReply(r);
  }
  async timeouts(): Promise<IpvsTimeouts> {
    const [r] = await this.transport.request(msg.getConfig());
    if (!r) throw new Error('IPVS GET_CONFIG: no reply');
    return msg.parseConfigReply(r);
  }
  async setTimeouts(t: IpvsTimeouts): Promise<void> {
    await this.transport.request(msg.setConfig(t));
  }

  async listServices(): Promise<IpvsServiceEntry[]> {
    return (await this.transport.request(msg.dumpServices())).map(msg.parseServiceReply);
  }
  async getService(id: ServiceId): Promise<IpvsServiceEntry> {
    const [r] = await this.transport.request(msg.getService(id));
    if (!r) throw new Error('IPVS GET_SERVICE: ACK without the service');
    return msg.parseServiceReply(r);
  }
  async listDestinations(id: ServiceId): Promise<IpvsDestinationEntry[]> {
    return (await this.transport.request(msg.dumpDests(id))).map((p) => msg.parseDestReply(p, id.family));
  }

  async addService(s: IpvsService): Promise<void> { await this.transport.request(msg.newService(s)); }
  async updateService(s: IpvsService): Promise<void> { await this.transport.request(msg.setService(s)); }
  async deleteService(id: ServiceId): Promise<void> { await this.transport.request(msg.delService(id)); }
  async addDestination(id: ServiceId, d: IpvsDestination): Promise<void> { await this.transport.request(msg.newDest(id, d)); }
  async updateDestination(id: ServiceId, d: IpvsDestination): Promise<void> { await this.transport.request(msg.setDest(id, d)); }
  async deleteDestination(id: ServiceId, d: Pick<IpvsDestination, 'address' | 'port'>): Promise<void> { await this.transport.request(msg.delDest(id, d)); }
  async zero(id?: ServiceId): Promise<void> { await this.transport.request(msg.zeroStats(id)); }

  /** Applies ops pipelined; returns one errno per op (0 = applied). */
  apply(ops: readonly IpvsOp[]): Promise<number[]> {
    return this.transport.batch(ops.map(opRequest));
  }

  close(): void { this.transport.close(); }
}
