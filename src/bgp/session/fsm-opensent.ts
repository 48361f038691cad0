// OpenSent: our OPEN is out, we wait for the peer's. Only OPEN or NOTIFICATION may arrive.
import { BgpError } from '../wire/errors.js';
import { MSG_NOTIFICATION, MSG_OPEN, type BgpMessage } from '../wire/types.js';
import type { FsmAction } from './fsm-action.js';
import { unexpectedMessage } from './fsm-errors.js';
import { receivedNotificationReason } from './notification.js';
import { negotiate, type Endpoints, type OpenBody } from './open.js';
import type { SessionConfig } from './types.js';

export function inOpenSent(msg: BgpMessage, cfg: SessionConfig, ours: OpenBody, ends: Endpoints): FsmAction {
  switch (msg.type) {
    case MSG_OPEN:
      try {
        return { kind: 'openAccepted', negotiated: negotiate(cfg, ours, msg, ends) };
      } catch (err) {
        if (err instanceof BgpError) return { kind: 'fail', error: err };
        throw err;
      }
    case MSG_NOTIFICATION:
      return { kind: 'peerNotification', reason: receivedNotificationReason(msg) };
    default:
      return { kind: 'fail', error: unexpectedMessage('OpenSent', msg.type) };
  }
}
