// TcpExt counters of a namespace (/proc/net/netstat is per network namespace): what the kernel
// dropped for TCP MD5 and GTSM, so a test can prove the kernel — not a timeout — refused a peer.
import type { Netns } from '../../../harness/netns.js';

export type TcpExt = Record<string, number>;

export async function tcpExt(ns: Netns): Promise<TcpExt> {
  const { stdout } = await ns.exec('cat', ['/proc/net/netstat']);
  const lines = stdout.split('\n').filter((l) => l.startsWith('TcpExt:'));
  if (lines.length < 2) throw new Error(`no TcpExt in /proc/net/netstat of ${ns.name}`);
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

/** How much each of `keys` rose between two readings. */
export function rise(before: TcpExt, after: TcpExt, ...keys: string[]): number {
  return keys.reduce((sum, k) => sum + ((after[k] ?? 0) - (before[k] ?? 0)), 0);
}
