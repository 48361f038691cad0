// The Lab itself: namespaces, veth, IPv4/IPv6 addresses, an L2 segment, processes, cleanup.
import { expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Lab, run, waitFor, peakRss } from '../../harness/netns.js';

async function namespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
}

test('pair: veth with IPv4 and IPv6 (nodad) reachable at once; dispose removes everything', async () => {
  const lab = new Lab();
  let names: string[] = [];
  try {
    const [a, b] = await lab.pair('10.9.0.1', '10.9.0.2', 'fd09::1', 'fd09::2');
    names = [a.name, b.name];
    expect(names.every((n) => n.startsWith(`hn-${process.pid}-`))).toBe(true);
    await a.exec('ping', ['-c1', '-W2', '10.9.0.2']);
    await b.exec('ping', ['-c1', '-W2', 'fd09::1']);
    // Nothing leaked into the root namespace.
    expect((await run('ip', ['-o', 'addr'])).stdout).not.toContain('10.9.0.1');
  } finally {
    await lab.dispose();
  }
  const left = await namespaces();
  for (const n of names) expect(left).not.toContain(n);
  expect(existsSync(lab.dir)).toBe(false);
});

test('segment: three namespaces on one bridge reach each other', async () => {
  const lab = new Lab();
  try {
    const seg = await lab.segment();
    const hosts = [];
    for (let i = 1; i <= 3; i++) {
      const ns = await lab.netns(`h${i}`);
      await seg.attach(ns);
      await ns.addAddress('eth0', `10.8.0.${i}/24`);
      hosts.push(ns);
    }
    await hosts[0].exec('ping', ['-c1', '-W2', '10.8.0.3']);
    await hosts[2].exec('ping', ['-c1', '-W2', '10.8.0.2']);
  } finally {
    await lab.dispose();
  }
});

test('spawned processes run in the namespace, output is captured, dispose kills them', async () => {
  const lab = new Lab();
  const ns = await lab.netns();
  const p = ns.spawn('sleeper', 'sh', ['-c', 'ip -o link show; echo started; exec sleep 300']);
  await waitFor('sleeper output', () => p.output().includes('started'));
  // Only lo exists inside a fresh namespace.
  expect(p.output()).toContain('lo:');
  expect(p.output()).not.toContain('eth0');
  expect(peakRss(p.pid)).toBeGreaterThan(0);
  await lab.dispose();
  expect(p.running).toBe(false);
  expect(() => process.kill(p.pid, 0)).toThrow();
});

test('waitFor names what it waited for and the last error', async () => {
  await expect(waitFor('the impossible', () => { throw new Error('nope'); }, { timeoutMs: 300, intervalMs: 50 }))
    .rejects.toThrow(/waiting for the impossible \(last error: nope\)/);
});
