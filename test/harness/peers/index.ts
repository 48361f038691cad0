// Starts any of the four daemons by kind, so tests can loop over pairs.
import type { Netns } from '../netns.js';
import { Bird } from './bird.js';
import { Exabgp } from './exabgp.js';
import { Frr } from './frr.js';
import { Gobgp } from './gobgp.js';
import type { BgpDaemon, DaemonConfig, DaemonKind } from './types.js';

export * from './types.js';
export { Bird, Exabgp, Frr, Gobgp };

export function startDaemon(kind: DaemonKind, ns: Netns, config: DaemonConfig): Promise<BgpDaemon> {
  switch (kind) {
    case 'bird': return Bird.start(ns, config);
    case 'frr': return Frr.start(ns, config);
    case 'gobgp': return Gobgp.start(ns, config);
    case 'exabgp': return Exabgp.start(ns, config);
  }
}
