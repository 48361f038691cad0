// The kernel side of the routing controller: FibSync on two NETLINK_ROUTE sockets (requests and
// link/address notifications), presented as the controller's FibPort and observe/'s FibStatus.
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { openNetlink } from '../netlink/socket.js';
import type { Logger } from '../util/log.js';
import type { FibStatus as ObserveFibStatus } from '../observe/status.js';
import { FibSync } from './fib/fib-sync.js';
import type { FibPort, FibRoute } from './fib-port.js';

export interface KernelFibOptions {
  protocol: number;
  table: number;
  log: Logger;
  /** How long routes of ours found at start are kept before stale ones are removed. */
  deferralMs: number;
  /** Network namespace name (tests); default: the agent's own. */
  netns?: string;
}

export type KernelFib = FibPort & { status(): ObserveFibStatus; sync: FibSync };

export async function createKernelFib(o: KernelFibOptions): Promise<KernelFib> {
  const nl = openNetlink({ protocol: NETLINK_ROUTE, ...(o.netns ? { netns: o.netns } : {}) });
  const monitor = openNetlink({ protocol: NETLINK_ROUTE, ...(o.netns ? { netns: o.netns } : {}) });
  const sync = new FibSync({
    nl,
    monitor,
    protocol: o.protocol,
    table: o.table,
    deferralMs: o.deferralMs,
    log: (level, msg, fields) => o.log[level](msg, fields),
  });
  return {
    sync,
    start: () => sync.start(),
    update: (changes: Map<string, FibRoute | null>) => sync.update(changes),
    endDeferral: () => sync.endDeferral(),
    close: async ({ removeRoutes }) => {
      await sync.close({ removeRoutes });
      nl.close();
      monitor.close();
    },
    // FibSync's status is a superset of observe's FibStatus (errorList, deferring, resyncs).
    status: () => sync.status(),
  };
}
