// Test helper: network namespaces with a veth pair, made and removed by the test itself.
// Names: `nl-<pid>-<counter>` (≤ 15 chars for interface names too).

import { execFileSync } from 'node:child_process';

let counter = 0;

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('netlink integration tests need root (network namespaces); run as root');
}

export function ip(args: string[], input?: string): string {
  return execFileSync('ip', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
}

export function ipJson<T = unknown>(args: string[]): T {
  const out = ip(['-j', ...args]).trim();
  return (out ? JSON.parse(out) : []) as T;
}

export interface TestNetns {
  /** Namespace under test (holds `dev`). */
  name: string;
  /** Peer namespace (holds the other veth end). */
  peer: string;
  /** Interface name in `name`. */
  dev: string;
  peerDev: string;
  ifindex: number;
  /** `ip -n <name> …` */
  ip(args: string[], input?: string): string;
  ipJson<T = unknown>(args: string[]): T;
  cleanup(): void;
}

/**
 * Creates two namespaces joined by a veth pair, both ends up, with 10.0.0.1/24 + fd00::1/64 on
 * `dev` and 10.0.0.2/24 + fd00::2/64 on the peer (unless `addresses: false`).
 */
export function makeNetns(opts: { addresses?: boolean } = {}): TestNetns {
  const id = `${process.pid % 100000}-${++counter}`;
  const name = `nl-${id}`;
  const peer = `nl-${id}p`;
  const dev = `v${id}`.slice(0, 15);
  const peerDev = `w${id}`.slice(0, 15);
  const cleanup = (): void => {
    for (const n of [name, peer]) {
      try {
        execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
  };
  try {
    ip(['netns', 'add', name]);
    ip(['netns', 'add', peer]);
    ip(['-n', name, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peerDev]);
    ip(['-n', name, 'link', 'set', peerDev, 'netns', peer]);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    ip(['-n', name, 'link', 'set', dev, 'up']);
    ip(['-n', peer, 'link', 'set', peerDev, 'up']);
    if (opts.addresses !== false) {
      ip(['-n', name, 'addr', 'add', '10.0.0.1/24', 'dev', dev]);
      ip(['-n', name, 'addr', 'add', 'fd00::1/64', 'dev', dev, 'nodad']);
      ip(['-n', peer, 'addr', 'add', '10.0.0.2/24', 'dev', peerDev]);
      ip(['-n', peer, 'addr', 'add', 'fd00::2/64', 'dev', peerDev, 'nodad']);
    }
    const links = ipJson<{ ifindex: number; ifname: string }[]>(['-n', name, 'link', 'show', dev]);
    return {
      name,
      peer,
      dev,
      peerDev,
      ifindex: links[0].ifindex,
      ip: (args, input) => ip(['-n', name, ...args], input),
      ipJson: <T>(args: string[]) => ipJson<T>(['-n', name, ...args]),
      cleanup,
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}
