// A received NOTIFICATION as a DownReason for logs, status and the 'down' event.
import { notificationName } from '../wire/errors.js';
import type { NotificationMessage } from '../wire/types.js';
import { decodeShutdownCommunication } from './shutdown-communication.js';
import type { DownReason } from './types.js';

export function receivedNotificationReason(msg: NotificationMessage): DownReason {
  const name = notificationName(msg.code, msg.subcode);
  const comm = decodeShutdownCommunication(msg.code, msg.subcode, msg.data);
  return {
    text: comm !== undefined ? `peer sent ${name}: "${comm}"` : `peer sent ${name}`,
    code: msg.code,
    subcode: msg.subcode,
    sentByUs: false,
  };
}

export function sentNotificationReason(code: number, subcode: number, detail: string): DownReason {
  return { text: `sent ${notificationName(code, subcode)}: ${detail}`, code, subcode, sentByUs: true };
}
