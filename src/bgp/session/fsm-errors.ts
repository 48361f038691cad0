// FSM errors (RFC 4271 §6.6, RFC 6608): a message that is valid on the wire but not allowed in the
// state the connection is in. The subcode tells the peer which state we were in.
import { BgpError, ERR_FSM, FSM_UNEXPECTED_IN_ESTABLISHED, FSM_UNEXPECTED_IN_OPENCONFIRM, FSM_UNEXPECTED_IN_OPENSENT } from '../wire/errors.js';

const TYPE_NAMES: Record<number, string> = { 1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH' };

export type ConnectedPhase = 'OpenSent' | 'OpenConfirm' | 'Established';

export function unexpectedMessage(phase: ConnectedPhase, msgType: number): BgpError {
  const subcode =
    phase === 'OpenSent' ? FSM_UNEXPECTED_IN_OPENSENT : phase === 'OpenConfirm' ? FSM_UNEXPECTED_IN_OPENCONFIRM : FSM_UNEXPECTED_IN_ESTABLISHED;
  return new BgpError(ERR_FSM, subcode, `unexpected ${TYPE_NAMES[msgType] ?? `type ${msgType}`} message in ${phase}`);
}
