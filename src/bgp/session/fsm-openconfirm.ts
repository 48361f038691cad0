// OpenConfirm: OPENs are exchanged and our KEEPALIVE is out; the peer's KEEPALIVE establishes.
import { MSG_KEEPALIVE, MSG_NOTIFICATION, type BgpMessage } from '../wire/types.js';
import type { FsmAction } from './fsm-action.js';
import { unexpectedMessage } from './fsm-errors.js';
import { receivedNotificationReason } from './notification.js';

export function inOpenConfirm(msg: BgpMessage): FsmAction {
  switch (msg.type) {
    case MSG_KEEPALIVE:
      return { kind: 'establish' };
    case MSG_NOTIFICATION:
      return { kind: 'peerNotification', reason: receivedNotificationReason(msg) };
    default:
      return { kind: 'fail', error: unexpectedMessage('OpenConfirm', msg.type) };
  }
}
