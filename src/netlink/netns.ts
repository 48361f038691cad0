// Runs a synchronous function with the calling (main) thread inside another network namespace.
//
// Why this works for sockets: a socket belongs to the namespace it was created in, for its whole
// life. We switch the main thread with setns(CLONE_NEWNET) just around socket(), then switch back;
// nothing async can run in between because JS is single-threaded and `fn` is synchronous.
// libuv's worker threads are not affected (setns is per thread).

import { closeSync, openSync } from 'node:fs';
import { CLONE_NEWNET } from './constants.js';
import { NetlinkSyscallError } from './errors.js';
import { libc } from './libc.js';

/** `/var/run/netns/<name>` for a bare name (as `ip netns add` creates), or the path itself. */
export function netnsPath(name: string): string {
  return name.includes('/') ? name : `/var/run/netns/${name}`;
}

export function withNetns<T>(name: string, fn: () => T): T {
  const c = libc();
  const self = openSync('/proc/thread-self/ns/net', 'r');
  let target = -1;
  try {
    target = openSync(netnsPath(name), 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new NetlinkSyscallError('setns', c.errno(), name);
    try {
      return fn();
    } finally {
      if (c.setns(self, CLONE_NEWNET) !== 0) {
        // Staying in the wrong namespace would silently misdirect every later socket: refuse to go on.
        throw new NetlinkSyscallError('setns', c.errno(), '(return to the original namespace)');
      }
    }
  } finally {
    if (target >= 0) closeSync(target);
    closeSync(self);
  }
}
