// Errors of the netlink layer. Every failure carries a machine-checkable `code`:
// - NetlinkError: the kernel refused a request. `errno` (positive) + `code` ('EEXIST', 'ESRCH', …)
//   + the kernel's extended-ack text when it gave one.
// - code 'resync-needed' (NetlinkResyncError): replies were lost (ENOBUFS on our socket, a reply
//   that never came, the socket closed). The outcome of the rejected work is unknown; the caller
//   must re-dump kernel state and reconcile. Never fatal to the process.

import { constants } from 'node:os';

const ERRNO_NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) {
  // ENOTSUP and EOPNOTSUPP (and EWOULDBLOCK/EAGAIN) share numbers on Linux; keep the first, canonical one.
  if (!ERRNO_NAMES.has(num)) ERRNO_NAMES.set(num, name);
}

/** 'EEXIST' for 17, etc.; 'E<num>' when unknown. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

export class NetlinkError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly extAck?: string;
  /** The request's message type, to tell which operation failed. */
  readonly requestType?: number;

  constructor(errno: number, opts: { extAck?: string; requestType?: number; what?: string } = {}) {
    const code = errnoName(errno);
    super(`${opts.what ?? 'netlink request'} failed: ${code}${opts.extAck ? ` (${opts.extAck})` : ''}`);
    this.name = 'NetlinkError';
    this.errno = errno;
    this.code = code;
    this.extAck = opts.extAck;
    this.requestType = opts.requestType;
  }
}

export type ResyncReason = 'ENOBUFS' | 'timeout' | 'closed' | 'overrun';

export class NetlinkResyncError extends Error {
  readonly code = 'resync-needed';
  readonly reason: ResyncReason;
  constructor(reason: ResyncReason, detail?: string) {
    super(`netlink replies lost (${reason}${detail ? `: ${detail}` : ''}); kernel state must be re-read`);
    this.name = 'NetlinkResyncError';
    this.reason = reason;
  }
}

/** A system call of the socket adapter failed (socket, bind, setsockopt, setns, send). */
export class NetlinkSyscallError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly syscall: string;
  constructor(syscall: string, errno: number, detail?: string) {
    const code = errnoName(errno);
    super(`${syscall}${detail ? ` ${detail}` : ''} failed: ${code}`);
    this.name = 'NetlinkSyscallError';
    this.errno = errno;
    this.code = code;
    this.syscall = syscall;
  }
}
