// The cleanup shell with fake tools: the order of removals, the tool each backend's step goes to,
// IPVS through the injected client (this kernel has none), and failures reported without stopping.
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCleanup } from '../../../src/cleanup/apply.js';
import { listNetfilter } from '../../../src/cleanup/inventory.js';
import type { CleanupPlan } from '../../../src/cleanup/plan.js';
import type { Runner } from '../../../src/netfilter/exec.js';
import type { IpvsClient } from '../../../src/netlink/ipvs/client.js';
import type { ServiceId } from '../../../src/netlink/ipvs/types.js';

const empty = (): CleanupPlan => ({ ipvs: [], netfilter: [], ipsets: [], links: [], routes: [], files: [], dirs: [], kept: [], notes: [] });

function recorder(fail: (argv: readonly string[]) => boolean = () => false): { run: Runner; calls: { argv: string[]; stdin?: string }[] } {
  const calls: { argv: string[]; stdin?: string }[] = [];
  const run: Runner = async (argv, stdin) => {
    calls.push({ argv: [...argv], ...(stdin ? { stdin } : {}) });
    return fail(argv) ? { code: 1, stdout: '', stderr: 'ipset v7.17: Set cannot be destroyed: it is in use by a kernel component' } : { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

function fakeIpvs(): { client: IpvsClient; deleted: ServiceId[]; closed: () => boolean } {
  const deleted: ServiceId[] = [];
  let closed = false;
  const client = { deleteService: async (id: ServiceId) => void deleted.push(id), transport: { close: () => void (closed = true) } } as unknown as IpvsClient;
  return { client, deleted, closed: () => closed };
}

describe('applyCleanup', () => {
  test('IPVS, then iptables per backend tool, then ipsets one by one, then links, then files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pr-cleanup-'));
    writeFileSync(join(dir, '10-podroute.conflist'), '{}');
    const { run, calls } = recorder();
    const ipvs = fakeIpvs();
    const id: ServiceId = { family: 4, protocol: 'tcp', address: '10.96.0.10', port: 80 };
    const plan: CleanupPlan = {
      ...empty(),
      ipvs: [{ key: 'tcp/10.96.0.10/80', id, why: 'VIP on podroute-vip' }],
      netfilter: [
        { backend: 'legacy', family: 6, table: 'filter', jumps: [], chains: ['PODROUTE-FW'], restore: '*filter\n:PODROUTE-FW - [0:0]\n-X PODROUTE-FW\nCOMMIT\n' },
        { backend: 'nft', family: 4, table: 'nat', jumps: [], chains: ['PODROUTE-POSTROUTING'], restore: '*nat\nX\n' },
      ],
      ipsets: ['podroute-a', 'podroute-b'],
      links: ['podroute-vip'],
      files: [join(dir, '10-podroute.conflist')],
    };
    const res = await applyCleanup(plan, { run, openIpvs: async () => ipvs.client });
    expect(res.failed).toEqual([]);
    expect(ipvs.deleted).toEqual([id]);
    expect(ipvs.closed()).toBe(true);
    expect(calls.map((c) => c.argv.join(' '))).toEqual([
      'ip6tables-legacy-restore -w 5 --noflush',
      'iptables-nft-restore -w 5 --noflush',
      'ipset destroy podroute-a',
      'ipset destroy podroute-b',
      'ip link del dev podroute-vip',
    ]);
    expect(calls[0].stdin).toBe(plan.netfilter[0].restore);
    expect(existsSync(join(dir, '10-podroute.conflist'))).toBe(false);
    expect(res.done).toHaveLength(7);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a failure is reported and the rest still goes', async () => {
    const { run, calls } = recorder((argv) => argv[2] === 'podroute-a');
    const res = await applyCleanup({ ...empty(), ipsets: ['podroute-a', 'podroute-b'], links: ['podroute-br'] }, { run });
    expect(res.failed).toEqual([{ what: 'ipset podroute-a', error: 'ipset destroy podroute-a: ipset v7.17: Set cannot be destroyed: it is in use by a kernel component' }]);
    expect(calls.map((c) => c.argv.at(-1))).toEqual(['podroute-a', 'podroute-b', 'podroute-br']);
  });

  test('IPVS that cannot be opened fails each planned service, not the run', async () => {
    const { run } = recorder();
    const id: ServiceId = { family: 4, fwmark: 9 };
    const res = await applyCleanup({ ...empty(), ipvs: [{ key: 'fwmark4/9', id, why: 'listed in the ownership file' }], ipsets: ['podroute-a'] }, { run, openIpvs: async () => { throw new Error('generic netlink family "IPVS" not found'); } });
    expect(res.failed).toEqual([{ what: 'IPVS service fwmark4/9', error: 'generic netlink family "IPVS" not found' }]);
    expect(res.done).toEqual(['ipset podroute-a']);
  });
});

test('listNetfilter asks both backends, both families, four tables; a missing tool is an error entry, not a throw', async () => {
  const seen: string[] = [];
  const run: Runner = async (argv) => {
    seen.push(`${argv[0]} ${argv[4]}`);
    if (argv[0] === 'ip6tables-legacy') throw Object.assign(new Error('spawn ip6tables-legacy ENOENT'), { code: 'ENOENT' });
    return { code: 0, stdout: `-P INPUT ACCEPT\n`, stderr: '' };
  };
  const l = await listNetfilter(run);
  expect(l).toHaveLength(16);
  expect(new Set(seen.map((s) => s.split(' ')[0]))).toEqual(new Set(['iptables-nft', 'ip6tables-nft', 'iptables-legacy', 'ip6tables-legacy']));
  expect(new Set(seen.map((s) => s.split(' ')[1]))).toEqual(new Set(['filter', 'nat', 'mangle', 'raw']));
  const missing = l.filter((x) => x.listing === undefined);
  expect(missing).toHaveLength(4);
  expect(missing[0].error).toContain('ENOENT');
});
