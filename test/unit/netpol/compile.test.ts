import { compile } from '../../../src/netpol/compile.js';
import { FORWARD_CHAIN, OUTPUT_CHAIN, READY_DST_CHAIN, READY_SRC_CHAIN, podChainName } from '../../../src/netpol/names.js';
import { allowed, type Packet } from './simulate.js';
import { node, pod, policy, rule, sel, view } from './fixtures.js';

const N = 'node-a';
const ns = { a: { team: 'a', env: 'prod' }, b: { team: 'b', env: 'prod' }, c: { team: 'c', env: 'dev' } };
// Local pods on node-a; a remote pod on node-b; clients anywhere.
const web = pod('a', 'web', '10.1.0.10', { app: 'web' }, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
const db = pod('a', 'db', '10.1.0.11', { app: 'db' });
const bClient = pod('b', 'client', '10.1.0.20', { app: 'client' });
const bOther = pod('b', 'other', '10.1.0.21', { app: 'other' });
const cClient = pod('c', 'client', '10.1.0.30', { app: 'client' });
const remote = pod('a', 'remote', '10.2.0.10', { app: 'web' }, [], 'node-b');
const pods = [web, db, bClient, bOther, cClient, remote];

const tcp = (src: string, dst: string, dport = 80): Packet => ({ src, dst, proto: 'tcp', dport });
const udp = (src: string, dst: string, dport = 53): Packet => ({ src, dst, proto: 'udp', dport });

function state(policies: ReturnType<typeof policy>[], extra: { pods?: ReturnType<typeof pod>[] } = {}) {
  return compile(view({ namespaces: ns, pods: extra.pods ?? pods, policies, nodes: [node(N, ['10.1.0.0/24'])] }), { nodeName: N });
}

describe('no policy', () => {
  test('everything is allowed and no pod chain exists', () => {
    const s = state([]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(web.ips[0], '8.8.8.8'))).toBe(true);
    expect([...s.v4.chains.keys()].sort()).toEqual([FORWARD_CHAIN, OUTPUT_CHAIN, READY_DST_CHAIN, READY_SRC_CHAIN]);
  });
});

describe('ingress', () => {
  test('deny all ingress isolates selected pods only, in ingress only', () => {
    const s = state([policy('a', 'deny', { podSelector: sel({ app: 'web' }), types: ['Ingress'] })]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s, tcp(db.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s, tcp(bClient.ips[0], db.ips[0]))).toBe(true); // not selected
    expect(allowed(s, tcp(web.ips[0], bClient.ips[0]))).toBe(true); // egress not isolated
    expect(allowed(s, tcp(bClient.ips[0], remote.ips[0]))).toBe(true); // other node's pod: not ours
  });

  test('policyTypes default: Ingress always, Egress only with egress rules', () => {
    const s1 = state([policy('a', 'p', { podSelector: sel({ app: 'web' }) })]);
    expect(allowed(s1, tcp(bClient.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s1, tcp(web.ips[0], bClient.ips[0]))).toBe(true);
    const s2 = state([policy('a', 'p', { podSelector: sel({ app: 'web' }), egress: [rule([{ podSelector: sel({ app: 'db' }) }])] })]);
    expect(allowed(s2, tcp(bClient.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s2, tcp(web.ips[0], bClient.ips[0]))).toBe(false);
    expect(allowed(s2, tcp(web.ips[0], db.ips[0]))).toBe(true);
    const s3 = state([policy('a', 'p', { podSelector: sel({ app: 'web' }), types: ['Egress'] })]);
    expect(allowed(s3, tcp(bClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s3, tcp(web.ips[0], bClient.ips[0]))).toBe(false);
  });

  test('allow from the same namespace', () => {
    const s = state([policy('a', 'same', { ingress: [rule([{ podSelector: sel() }])] })]);
    expect(allowed(s, tcp(db.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(remote.ips[0], web.ips[0]))).toBe(true); // same namespace, other node
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(false);
  });

  test('an empty rule allows everything; an empty ingress list allows nothing', () => {
    expect(allowed(state([policy('a', 'p', { ingress: [rule()] })]), tcp('192.0.2.1', web.ips[0]))).toBe(true);
    expect(allowed(state([policy('a', 'p', { ingress: [] })]), tcp(db.ips[0], web.ips[0]))).toBe(false);
  });

  test('from a namespace by label', () => {
    const s = state([policy('a', 'p', { ingress: [rule([{ namespaceSelector: sel({ team: 'b' }) }])] })]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(bOther.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s, tcp(db.ips[0], web.ips[0]))).toBe(false);
  });

  test('pod and namespace selector in one peer is AND; in two peers is OR', () => {
    const and = state([policy('a', 'p', { ingress: [rule([{ namespaceSelector: sel({ env: 'prod' }), podSelector: sel({ app: 'client' }) }])] })]);
    expect(allowed(and, tcp(bClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(and, tcp(bOther.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(and, tcp(cClient.ips[0], web.ips[0]))).toBe(false); // env=dev
    const or = state([policy('a', 'p', { ingress: [rule([{ namespaceSelector: sel({ env: 'prod' }) }, { podSelector: sel({ app: 'client' }) }])] })]);
    expect(allowed(or, tcp(bOther.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(or, tcp(cClient.ips[0], web.ips[0]))).toBe(false); // podSelector alone = own namespace
  });

  test('namespaceSelector {} means every namespace', () => {
    const s = state([policy('a', 'p', { ingress: [rule([{ namespaceSelector: sel(), podSelector: sel({ app: 'client' }) }])] })]);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(bOther.ips[0], web.ips[0]))).toBe(false);
  });

  test('matchExpressions on namespaces and pods', () => {
    const s = state([policy('a', 'p', { ingress: [rule([{
      namespaceSelector: sel({}, [{ key: 'team', operator: 'NotIn', values: ['a', 'c'] }]),
      podSelector: sel({}, [{ key: 'app', operator: 'In', values: ['client', 'x'] }]),
    }])] })]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0]))).toBe(false);
    expect(allowed(s, tcp(bOther.ips[0], web.ips[0]))).toBe(false);
  });

  test('ipBlock with except', () => {
    const s = state([policy('a', 'p', { ingress: [rule([{ ipBlock: { cidr: '10.1.0.0/24', except: ['10.1.0.20/30'] } }])] })]);
    expect(allowed(s, tcp(db.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0]))).toBe(false); // 10.1.0.20 in the except
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp('192.0.2.1', web.ips[0]))).toBe(false);
  });

  test('ipBlock 0.0.0.0/0 with except (hash:net cannot hold /0)', () => {
    const s = state([policy('a', 'p', { ingress: [rule([{ ipBlock: { cidr: '0.0.0.0/0', except: ['192.0.2.0/24'] } }])] })]);
    expect(allowed(s, tcp('203.0.113.9', web.ips[0]))).toBe(true);
    expect(allowed(s, tcp('192.0.2.1', web.ips[0]))).toBe(false);
  });

  test('two ipBlocks in one rule: one block\'s except does not cut the other', () => {
    const s = state([policy('a', 'p', { ingress: [rule([
      { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } },
      { ipBlock: { cidr: '192.168.1.0/25', except: [] } },
    ])] })]);
    expect(allowed(s, tcp('192.168.1.5', web.ips[0]))).toBe(true);
    expect(allowed(s, tcp('192.168.1.200', web.ips[0]))).toBe(false);
    expect(allowed(s, tcp('192.168.7.1', web.ips[0]))).toBe(true);
  });

  test('ports: protocol, number, endPort range, protocol-only', () => {
    const s = state([policy('a', 'p', { podSelector: sel({ app: 'web' }), ingress: [rule([], [
      { protocol: 'TCP', port: 80 },
      { protocol: 'TCP', port: 9000, endPort: 9010 },
      { protocol: 'SCTP' },
    ])] })]);
    const c = bClient.ips[0];
    const w = web.ips[0];
    expect(allowed(s, tcp(c, w, 80))).toBe(true);
    expect(allowed(s, tcp(c, w, 81))).toBe(false);
    expect(allowed(s, udp(c, w, 80))).toBe(false);
    expect(allowed(s, tcp(c, w, 9000))).toBe(true);
    expect(allowed(s, tcp(c, w, 9010))).toBe(true);
    expect(allowed(s, tcp(c, w, 9011))).toBe(false);
    expect(allowed(s, { src: c, dst: w, proto: 'sctp', dport: 1234 })).toBe(true);
  });

  test('named port resolves on each selected pod; a pod without it allows nothing', () => {
    const s = state([policy('a', 'p', { ingress: [rule([], [{ protocol: 'TCP', port: 'http' }])] })]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0], 8080))).toBe(true);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0], 80))).toBe(false);
    expect(allowed(s, udp(bClient.ips[0], web.ips[0], 8080))).toBe(false);
    expect(allowed(s, tcp(bClient.ips[0], db.ips[0], 8080))).toBe(false);
  });

  test('two policies add up', () => {
    const p1 = policy('a', 'p1', { podSelector: sel({ app: 'web' }), ingress: [rule([{ namespaceSelector: sel({ team: 'b' }) }], [{ protocol: 'TCP', port: 80 }])] });
    const p2 = policy('a', 'p2', { podSelector: sel({ app: 'web' }), ingress: [rule([{ namespaceSelector: sel({ team: 'c' }) }], [{ protocol: 'TCP', port: 443 }])] });
    const s = state([p1, p2]);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0], 80))).toBe(true);
    expect(allowed(s, tcp(bClient.ips[0], web.ips[0], 443))).toBe(false);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0], 443))).toBe(true);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0], 80))).toBe(false);
  });

  test('a policy of another namespace does not select our pods', () => {
    const s = state([policy('b', 'deny', {})]);
    expect(allowed(s, tcp(cClient.ips[0], web.ips[0]))).toBe(true);
    expect(allowed(s, tcp(cClient.ips[0], bClient.ips[0]))).toBe(false);
  });
});

describe('egress', () => {
  test('deny all egress', () => {
    const s = state([policy('a', 'p', { podSelector: sel({ app: 'web' }), types: ['Egress'] })]);
    expect(allowed(s, tcp(web.ips[0], '8.8.8.8'))).toBe(false);
    expect(allowed(s, tcp(web.ips[0], db.ips[0]))).toBe(false);
    expect(allowed(s, tcp(db.ips[0], '8.8.8.8'))).toBe(true);
  });

  test('egress to an ipBlock and DNS to kube-system', () => {
    const dns = pod('kube-system', 'coredns', '10.3.0.53', { 'k8s-app': 'kube-dns' }, [], 'node-c');
    const s = compile(view({
      namespaces: { ...ns, 'kube-system': { 'kubernetes.io/metadata.name': 'kube-system' } },
      pods: [...pods, dns],
      policies: [policy('a', 'p', { podSelector: sel({ app: 'web' }), types: ['Egress'], egress: [
        rule([{ ipBlock: { cidr: '203.0.113.0/24', except: [] } }], [{ protocol: 'TCP', port: 443 }]),
        rule([{ namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'kube-system' }), podSelector: sel({ 'k8s-app': 'kube-dns' }) }],
          [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]),
      ] })],
    }), { nodeName: N });
    expect(allowed(s, tcp(web.ips[0], '203.0.113.7', 443))).toBe(true);
    expect(allowed(s, tcp(web.ips[0], '203.0.113.7', 80))).toBe(false);
    expect(allowed(s, udp(web.ips[0], dns.ips[0], 53))).toBe(true);
    expect(allowed(s, tcp(web.ips[0], dns.ips[0], 53))).toBe(true);
    expect(allowed(s, udp(web.ips[0], '8.8.8.8', 53))).toBe(false);
  });

  test('egress named port resolves on the destination pods', () => {
    const api = pod('b', 'api', '10.1.0.40', { app: 'api' }, [{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
    const s = state([policy('a', 'p', { podSelector: sel({ app: 'db' }), types: ['Egress'], egress: [
      rule([{ namespaceSelector: sel() }], [{ protocol: 'TCP', port: 'http' }]),
    ] })], { pods: [...pods, api] });
    expect(allowed(s, tcp(db.ips[0], web.ips[0], 8080))).toBe(true);
    expect(allowed(s, tcp(db.ips[0], api.ips[0], 8081))).toBe(true);
    expect(allowed(s, tcp(db.ips[0], api.ips[0], 8080))).toBe(false);
    expect(allowed(s, tcp(db.ips[0], '8.8.8.8', 8080))).toBe(false);
  });

  test('egress and ingress both apply between two local pods', () => {
    const s = state([
      policy('a', 'e', { podSelector: sel({ app: 'db' }), types: ['Egress'], egress: [rule([{ podSelector: sel({ app: 'web' }) }])] }),
      policy('a', 'i', { podSelector: sel({ app: 'web' }), ingress: [rule([{ podSelector: sel({ app: 'nobody' }) }])] }),
    ]);
    expect(allowed(s, tcp(db.ips[0], web.ips[0]))).toBe(false); // egress allows, ingress denies
  });
});

describe('IPv6 and dual stack', () => {
  test('each family gets its own sets and chains', () => {
    const w6 = pod('a', 'web6', ['10.1.0.50', 'fd00::50'], { app: 'web' });
    const c6 = pod('b', 'c6', ['10.1.0.51', 'fd00::51'], { app: 'client' });
    const s = compile(view({ namespaces: ns, pods: [w6, c6], nodes: [node(N, ['10.1.0.0/24', 'fd00::/64'])], policies: [
      policy('a', 'p', { ingress: [rule([{ namespaceSelector: sel({ team: 'b' }) }, { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }])] }),
    ] }), { nodeName: N });
    expect(allowed(s, tcp('fd00::51', 'fd00::50'))).toBe(true);
    expect(allowed(s, tcp('10.1.0.51', '10.1.0.50'))).toBe(true);
    expect(allowed(s, tcp('2001:db8::1', 'fd00::50'))).toBe(true);
    expect(allowed(s, tcp('2001:db8:1::1', 'fd00::50'))).toBe(false);
    expect(allowed(s, tcp('fd00::99', 'fd00::50'))).toBe(false);
    for (const spec of s.v6.sets.values()) expect(spec.family).toBe(6);
    for (const spec of s.v4.sets.values()) for (const m of spec.members) expect(m).not.toContain(':');
  });
});

describe('readiness guard and replies', () => {
  test('an unknown address in the node pod CIDR is dropped until the pod is compiled', () => {
    const s = state([]);
    expect(allowed(s, tcp(bClient.ips[0], '10.1.0.99'))).toBe(false);
    expect(allowed(s, tcp('10.1.0.99', '8.8.8.8'))).toBe(false);
    // The gate lists exactly the compiled local pods (remote 10.2.0.10 is not ours to gate).
    const gate = s.v4.chains.get(READY_DST_CHAIN)!;
    expect(gate.slice(0, -1).sort()).toEqual(['10.1.0.10', '10.1.0.11', '10.1.0.20', '10.1.0.21', '10.1.0.30'].map((ip) => `-d ${ip} -j RETURN`));
    expect(gate.at(-1)).toBe('-m comment --comment "pod not ready" -j DROP');
  });

  test('OUTPUT: node-originated traffic passes, pod-sourced (proxied) traffic is filtered like forwarded', () => {
    const s = state([policy('a', 'deny', {})]);
    expect(s.v4.chains.get(OUTPUT_CHAIN)).toEqual(['-m addrtype --src-type LOCAL -j RETURN', `-j ${FORWARD_CHAIN}`]);
  });

  test('established/related traffic returns first', () => {
    const s = state([policy('a', 'deny', {})]);
    expect(s.v4.chains.get(FORWARD_CHAIN)![0]).toContain('RELATED,ESTABLISHED -j RETURN');
  });

  test('denied traffic is logged by NFLOG (rate-limited) then dropped', () => {
    const s = compile(view({ namespaces: ns, pods, policies: [policy('a', 'deny', {})] }), { nodeName: N, nflogGroup: 7 });
    const c = s.v4.chains.get(podChainName('a', 'web', 'ingress'))!;
    expect(c.at(-2)).toMatch(/-m limit --limit 10\/minute .* -j NFLOG --nflog-group 7 --nflog-prefix "podroute deny in a\/web"/);
    expect(c.at(-1)).toBe('-j DROP');
    expect(s.podOfChain.get(podChainName('a', 'web', 'ingress'))).toBe('a/web');
  });
});

describe('stability', () => {
  test('compile is deterministic and names do not depend on rule contents', () => {
    const p = (cidr: string) => policy('a', 'p', { ingress: [rule([{ ipBlock: { cidr, except: [] } }])] });
    const s1 = state([p('192.0.2.0/24')]);
    const s2 = state([p('192.0.2.0/24')]);
    expect(s2).toEqual(s1);
    const s3 = state([p('198.51.100.0/24')]);
    expect([...s3.v4.sets.keys()]).toEqual([...s1.v4.sets.keys()]);
    expect([...s3.v4.chains.keys()]).toEqual([...s1.v4.chains.keys()]);
  });

  test('host-network and finished pods take no part', () => {
    const hn = { ...pod('a', 'hn', '10.1.0.60', { app: 'web' }), hostNetwork: true };
    const done = { ...pod('a', 'done', '10.1.0.61', { app: 'web' }), phase: 'Succeeded' };
    const s = state([policy('a', 'deny', {})], { pods: [...pods, hn, done] });
    expect(s.podOfChain.has(podChainName('a', 'hn', 'ingress'))).toBe(false);
    expect(s.podOfChain.has(podChainName('a', 'done', 'ingress'))).toBe(false);
  });

  test('names respect kernel limits', () => {
    const s = state([policy('a', 'a-very-long-policy-name-that-goes-on-and-on', { ingress: [rule([{ podSelector: sel() }])] })]);
    for (const n of s.v4.sets.keys()) expect(n.length).toBeLessThanOrEqual(31);
    for (const n of s.v4.chains.keys()) expect(n.length).toBeLessThanOrEqual(28);
  });
});

describe('families', () => {
  test('a v4-only node gets nothing in IPv6 (the host may have no ip6tables)', () => {
    const s = state([policy('a', 'deny', {})]);
    expect(s.v6.chains.size).toBe(0);
    expect(s.v6.sets.size).toBe(0);
    expect(s.v4.chains.has(FORWARD_CHAIN)).toBe(true);
  });
});

test('a pod whose Namespace the view lacks counts as a namespace without labels', () => {
  const stray = pod('ghost', 'p', '10.2.0.99', { role: 'client' }, [], 'node-b');
  const pol = (nsSel: ReturnType<typeof sel>) => policy('a', 'p', { podSelector: sel({ app: 'web' }), ingress: [rule([{ namespaceSelector: nsSel }])] });
  const all = state([pol(sel())], { pods: [...pods, stray] });
  expect(allowed(all, tcp(stray.ips[0], web.ips[0]))).toBe(true);
  const labelled = state([pol(sel({ team: 'b' }))], { pods: [...pods, stray] });
  expect(allowed(labelled, tcp(stray.ips[0], web.ips[0]))).toBe(false);
  const notC = state([pol(sel({}, [{ key: 'team', operator: 'NotIn', values: ['c'] }]))], { pods: [...pods, stray] });
  expect(allowed(notC, tcp(stray.ips[0], web.ips[0]))).toBe(true);
});
