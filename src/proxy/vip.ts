// The VIP dummy interface (`podroute-vip`): IPVS only sees packets addressed to a local address,
// so every ClusterIP/externalIP/LoadBalancer IP is put on a dummy interface of ours. Only this
// interface is ever changed. The shell runs `ip` (one `ip -batch` per sync); the diff is pure.

import { execFileSync } from 'node:child_process';
import { canonicalAddr, familyOf } from '../netlink/ipvs/address.js';

export interface VipDiff {
  add: string[];
  remove: string[];
}

export function diffVips(current: Iterable<string>, desired: Iterable<string>): VipDiff {
  const cur = new Set([...current].map(canonicalAddr));
  const want = new Set([...desired].map(canonicalAddr));
  return { add: [...want].filter((a) => !cur.has(a)).sort(), remove: [...cur].filter((a) => !want.has(a)).sort() };
}

/** `ip -batch` lines for a diff. IPv6 VIPs get nodad: DAD would hold them "tentative" for a second. */
export function vipBatch(ifname: string, d: VipDiff): string {
  const line = (verb: string, a: string): string => `addr ${verb} ${a}/${familyOf(a) === 4 ? 32 : 128} dev ${ifname}${verb === 'add' && familyOf(a) === 6 ? ' nodad' : ''}`;
  return [...d.remove.map((a) => line('del', a)), ...d.add.map((a) => line('add', a))].join('\n') + '\n';
}

export class VipInterface {
  constructor(readonly ifname: string) {
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(ifname)) throw new Error(`bad interface name ${JSON.stringify(ifname)}`);
  }

  private ip(args: string[], input?: string): string {
    return execFileSync('ip', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Creates the dummy interface if missing and brings it up. */
  ensure(): void {
    try {
      this.ip(['link', 'show', 'dev', this.ifname]);
    } catch {
      this.ip(['link', 'add', this.ifname, 'type', 'dummy']);
    }
    this.ip(['link', 'set', this.ifname, 'up']);
  }

  addresses(): string[] {
    const j = JSON.parse(this.ip(['-j', 'addr', 'show', 'dev', this.ifname])) as { addr_info?: { local: string; scope?: string }[] }[];
    return (j[0]?.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => canonicalAddr(a.local));
  }

  sync(desired: Iterable<string>): VipDiff {
    const d = diffVips(this.addresses(), desired);
    if (d.add.length || d.remove.length) this.ip(['-force', '-batch', '-'], vipBatch(this.ifname, d));
    return d;
  }

  delete(): void {
    try {
      this.ip(['link', 'del', this.ifname]);
    } catch {
      /* already gone */
    }
  }
}
