// Established: UPDATEs, KEEPALIVEs and ROUTE-REFRESHes flow; a second OPEN is an FSM error.
import { BgpError, ERR_HEADER, HDR_BAD_TYPE } from '../wire/errors.js';
import { familyOf } from '../wire/family.js';
import { MSG_KEEPALIVE, MSG_NOTIFICATION, MSG_ROUTE_REFRESH, MSG_UPDATE, type BgpMessage } from '../wire/types.js';
import type { FsmAction } from './fsm-action.js';
import { unexpectedMessage } from './fsm-errors.js';
import { receivedNotificationReason } from './notification.js';
import type { Negotiated } from './types.js';

export function inEstablished(msg: BgpMessage, neg: Negotiated): FsmAction {
  switch (msg.type) {
    case MSG_UPDATE:
      return { kind: 'update', msg };
    case MSG_KEEPALIVE:
      return { kind: 'alive' };
    case MSG_NOTIFICATION:
      return { kind: 'peerNotification', reason: receivedNotificationReason(msg) };
    case MSG_ROUTE_REFRESH: {
      if (!neg.routeRefresh) {
        // RFC 2918 §4: a ROUTE-REFRESH we never advertised support for is an unknown message type.
        return { kind: 'fail', error: new BgpError(ERR_HEADER, HDR_BAD_TYPE, 'ROUTE-REFRESH without the capability', new Uint8Array([MSG_ROUTE_REFRESH])) };
      }
      const f = familyOf(msg.afi, msg.safi);
      // RFC 2918 §4: a request for a family not advertised is ignored.
      if (f === null || !neg.families.includes(f)) return { kind: 'ignore', why: `ROUTE-REFRESH for unnegotiated AFI ${msg.afi} SAFI ${msg.safi}` };
      // RFC 7313 §5: an unknown subtype is ignored.
      if (msg.subtype > 2) return { kind: 'ignore', why: `ROUTE-REFRESH with unknown subtype ${msg.subtype}` };
      return { kind: 'routeRefresh', msg };
    }
    default:
      return { kind: 'fail', error: unexpectedMessage('Established', msg.type) };
  }
}
