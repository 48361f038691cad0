// The one seam between the IPVS client and a netlink socket. The client builds requests (pure);
// a transport frames them for the IPVS generic netlink family, sends them and matches replies.
// Two implementations: the stopgap over the `netlink` package's raw socket (raw-transport.ts) and,
// when it lands, the project's own socket (src/netlink/socket.ts). Tests use an in-memory fake.

import type { IpvsRequest } from './messages.js';

export class IpvsRequestError extends Error {
  override name = 'IpvsRequestError';
  constructor(
    readonly errno: number,
    readonly code: string,
    readonly cmd: number,
  ) {
    super(`IPVS command ${cmd} failed: ${code}`);
  }
}

/** Replies lost (ENOBUFS, socket closed): outcome unknown, the caller must re-dump and reconcile. */
export class IpvsResyncError extends Error {
  override name = 'IpvsResyncError';
}

export interface IpvsTransport {
  /** One request; resolves with the genl payload of every data reply (dumps: all of them). */
  request(req: IpvsRequest): Promise<Buffer[]>;
  /**
   * Many change requests (no dumps), pipelined. Resolves with one errno per request, in order
   * (0 = applied). Never rejects for a kernel refusal; rejects with IpvsResyncError when replies
   * were lost.
   */
  batch(reqs: readonly IpvsRequest[]): Promise<number[]>;
  close(): void;
}
