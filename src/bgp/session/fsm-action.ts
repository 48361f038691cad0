// What a state decides about one received message. The per-state functions (fsm-opensent.ts,
// fsm-openconfirm.ts, fsm-established.ts) are pure; the session carries the actions out.
import type { BgpError } from '../wire/errors.js';
import type { RouteRefreshMessage, UpdateMessage } from '../wire/types.js';
import type { DownReason, Negotiated } from './types.js';

export type FsmAction =
  /** Send this error's NOTIFICATION and close the connection. */
  | { kind: 'fail'; error: BgpError }
  /** The peer sent a NOTIFICATION: close without answering. */
  | { kind: 'peerNotification'; reason: DownReason }
  /** A valid OPEN: resolve collisions, send KEEPALIVE, go to OpenConfirm. */
  | { kind: 'openAccepted'; negotiated: Negotiated }
  /** KEEPALIVE in OpenConfirm. */
  | { kind: 'establish' }
  /** KEEPALIVE in Established: the hold timer restarts and nothing else happens. */
  | { kind: 'alive' }
  | { kind: 'update'; msg: UpdateMessage }
  | { kind: 'routeRefresh'; msg: RouteRefreshMessage }
  /** Valid but of no consequence (e.g. ROUTE-REFRESH for a family we did not negotiate). */
  | { kind: 'ignore'; why: string };
