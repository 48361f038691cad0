// The demo's checks. Each one sends real traffic (or reads real state) and reports what it saw:
// round-trip times, the source address a server observed, the routes in a FIB. Nothing is assumed
// from configuration.
import type { DemoWorld } from './run.js';
import { agentGet, fibPrefixes, torPrefixes } from './run.js';
import type { Netns } from '../lab/netns.js';

export interface CheckResult {
  check: string;
  from: string;
  to: string;
  ok: boolean;
  measured: string;
}

async function ping(from: Netns, ip: string): Promise<{ ok: boolean; text: string }> {
  try {
    const { stdout } = await from.exec('ping', ['-c', '1', '-W', '2', ip], { timeoutMs: 5000 });
    const m = /time=([\d.]+) ms/.exec(stdout);
    return { ok: true, text: m ? `rtt ${m[1]} ms` : 'reply' };
  } catch {
    return { ok: false, text: 'no reply' };
  }
}

/** Connects to the socat server on port 8080, which answers with the source address it saw. */
async function tcpSeenSource(from: Netns, ip: string, port = 8080): Promise<{ ok: boolean; seen?: string; ms: number; error?: string }> {
  const t0 = performance.now();
  try {
    const { stdout } = await from.exec('socat', ['-u', `TCP:${ip}:${port},connect-timeout=3`, '-'], { timeoutMs: 6000 });
    return { ok: true, seen: stdout.trim(), ms: performance.now() - t0 };
  } catch (err) {
    return { ok: false, ms: performance.now() - t0, error: (err as Error).message.split('\n').pop() };
  }
}

interface PeerJson { address: string; state: string; description?: string }

export async function runChecks(w: DemoWorld): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const nodes = w.plan.nodes;
  const firstPod = (i: number) => nodes[i].pods[0];
  const podNs = (name: string) => w.podNs.get(name)!;

  // BGP sessions, from each agent's own status API.
  for (const n of nodes) {
    const peers = await agentGet<PeerJson[]>(w.sockets.get(n.name)!, '/api/v1/bgp/peers');
    const up = peers.filter((p) => p.state === 'Established').length;
    results.push({ check: 'BGP sessions Established', from: n.name, to: `${peers.length} peers`, ok: up === peers.length && peers.length === nodes.length, measured: `${up}/${peers.length} Established` });
  }
  // Every node's FIB holds every other node's podCIDR, as a podroute route.
  for (const n of nodes) {
    const fib = await fibPrefixes(w.nodeNs.get(n.name)!, w.routeProtocol);
    const want = nodes.filter((o) => o !== n).map((o) => o.podCIDR);
    const missing = want.filter((c) => !fib.has(c));
    results.push({ check: 'FIB has other podCIDRs', from: n.name, to: 'kernel FIB', ok: missing.length === 0, measured: missing.length ? `missing ${missing.join(', ')}` : `${want.length}/${want.length} routes, proto ${w.routeProtocol}` });
  }
  // The ToR learned every podCIDR.
  const learned = await torPrefixes(w);
  const missingTor = nodes.map((n) => n.podCIDR).filter((c) => !learned.has(c));
  results.push({ check: 'ToR learned every podCIDR', from: 'tor (BIRD)', to: 'all nodes', ok: missingTor.length === 0, measured: missingTor.length ? `missing ${missingTor.join(', ')}` : `${nodes.length}/${nodes.length} podCIDRs` });

  // Pod → pod across every ordered pair of nodes (and within one node): ICMP, TCP, and no NAT.
  const pairs: [number, number][] = [];
  for (let i = 0; i < nodes.length; i++) for (let j = 0; j < nodes.length; j++) if (i !== j) pairs.push([i, j]);
  for (const [i, j] of pairs) {
    const a = firstPod(i);
    const b = nodes[j].pods[nodes[j].pods.length - 1];
    const p = await ping(podNs(a.name), b.ip!);
    results.push({ check: 'pod → pod ICMP', from: `${a.name} ${a.ip}`, to: `${b.name} ${b.ip}`, ok: p.ok, measured: p.text });
    const t = await tcpSeenSource(podNs(a.name), b.ip!);
    results.push({
      check: 'pod → pod TCP, no NAT', from: `${a.name} ${a.ip}`, to: `${b.name} ${b.ip}:8080`,
      ok: t.ok && t.seen === a.ip,
      measured: t.ok ? `server saw ${t.seen} (${t.ms.toFixed(1)} ms)` : `failed: ${t.error}`,
    });
  }
  if (nodes[0].pods.length > 1) {
    const [a, b] = nodes[0].pods;
    const t = await tcpSeenSource(podNs(a.name), b.ip!);
    results.push({ check: 'pod → pod TCP, same node', from: `${a.name} ${a.ip}`, to: `${b.name} ${b.ip}:8080`, ok: t.ok && t.seen === a.ip, measured: t.ok ? `server saw ${t.seen}` : `failed: ${t.error}` });
  }

  // The node reaches its own pods.
  for (const n of nodes) {
    const rtts: string[] = [];
    let ok = true;
    for (const pod of n.pods) {
      const p = await ping(w.nodeNs.get(n.name)!, pod.ip!);
      ok &&= p.ok;
      rtts.push(p.ok ? p.text.replace('rtt ', '') : 'no reply');
    }
    results.push({ check: 'node → its pods ICMP', from: n.name, to: n.pods.map((p) => p.name).join(', '), ok, measured: rtts.join(', ') });
  }

  // A host-network process (on node-1) reaches pods on every node.
  const host = nodes[0];
  for (const n of nodes) {
    const pod = n.pods[0];
    const t = await tcpSeenSource(w.nodeNs.get(host.name)!, pod.ip!);
    results.push({ check: 'host network → pod TCP', from: `${host.name} (host netns)`, to: `${pod.name} ${pod.ip}:8080`, ok: t.ok, measured: t.ok ? `server saw ${t.seen} (${t.ms.toFixed(1)} ms)` : `failed: ${t.error}` });
  }

  // Outside the cluster: the ToR reaches a pod directly (its FIB has the podCIDRs from BGP).
  const outsidePod = firstPod(nodes.length - 1);
  const tp = await ping(w.tor, outsidePod.ip!);
  results.push({ check: 'outside → pod ICMP', from: 'tor', to: `${outsidePod.name} ${outsidePod.ip}`, ok: tp.ok, measured: tp.text });
  // Pod → outside the cluster: SNATed to the node's address (the one case where NAT is wanted).
  for (const n of [nodes[0], nodes[nodes.length - 1]]) {
    const pod = n.pods[0];
    const t = await tcpSeenSource(podNs(pod.name), w.plan.tor.address);
    results.push({ check: 'pod → outside TCP, SNAT', from: `${pod.name} ${pod.ip}`, to: `tor ${w.plan.tor.address}:8080`, ok: t.ok && t.seen === n.address, measured: t.ok ? `server saw ${t.seen} (node ${n.name})` : `failed: ${t.error}` });
  }
  // NetworkPolicy: the last node's pods accept TCP 8080 only from node-1's pods.
  await w.setPolicy(true);
  const guarded = nodes[nodes.length - 1].pods[0];
  const friend = nodes[0].pods[0];
  const allowed = await tcpSeenSource(podNs(friend.name), guarded.ip!);
  results.push({ check: 'NetworkPolicy allows', from: `${friend.name} ${friend.ip}`, to: `${guarded.name} ${guarded.ip}:8080`, ok: allowed.ok && allowed.seen === friend.ip, measured: allowed.ok ? `connected, server saw ${allowed.seen}` : `failed: ${allowed.error}` });
  if (nodes.length > 2) {
    const stranger = nodes[1].pods[0];
    const denied = await tcpSeenSource(podNs(stranger.name), guarded.ip!);
    results.push({ check: 'NetworkPolicy denies', from: `${stranger.name} ${stranger.ip}`, to: `${guarded.name} ${guarded.ip}:8080`, ok: !denied.ok, measured: denied.ok ? `connected: NOT enforced` : `refused within ${(denied.ms / 1000).toFixed(1)} s (dropped)` });
  }
  await w.setPolicy(false);
  const back = await tcpSeenSource(podNs(nodes[1].pods[0].name), guarded.ip!);
  results.push({ check: 'policy removed, open again', from: `${nodes[1].pods[0].name}`, to: `${guarded.name} ${guarded.ip}:8080`, ok: back.ok, measured: back.ok ? `connected (${back.ms.toFixed(1)} ms)` : `failed: ${back.error}` });
  return results;
}
