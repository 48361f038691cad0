// The demo's topology as plain data: who gets which address, CIDR and ASN. Everything else in the
// demo (files, namespaces, checks) is derived from this, so the table it prints and the network it
// builds cannot disagree.
//
//   ToR (BIRD, AS 65000) 192.168.100.1 ─┐
//   node-1 (podroute, AS 64512) .11 ────┤ one L2 segment (a bridge in its own namespace)
//   node-2 .12, node-3 .13 … ───────────┘
//   node-i pods: 10.244.i.0/24 on the node's CNI bridge
// These addresses exist only inside the demo's namespaces.

export interface DemoPod {
  name: string;
  node: string;
  /** Filled in once CNI has assigned the address. */
  ip?: string;
}

export interface DemoNode {
  name: string;
  index: number;
  address: string;
  podCIDR: string;
  pods: DemoPod[];
}

export interface DemoPlan {
  lanPrefixLen: number;
  tor: { name: string; address: string; asn: number };
  clusterAsn: number;
  nodes: DemoNode[];
  bgpPort: number;
}

export function demoPlan(nodeCount: number, podsPerNode = 2): DemoPlan {
  if (!Number.isInteger(nodeCount) || nodeCount < 2 || nodeCount > 50) throw new Error('--nodes must be between 2 and 50');
  const nodes: DemoNode[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    const name = `node-${i}`;
    nodes.push({
      name,
      index: i,
      address: `192.168.100.${10 + i}`,
      podCIDR: `10.244.${i}.0/24`,
      pods: Array.from({ length: podsPerNode }, (_, j) => ({ name: `pod-${i}-${j + 1}`, node: name })),
    });
  }
  return { lanPrefixLen: 24, tor: { name: 'tor', address: '192.168.100.1', asn: 65000 }, clusterAsn: 64512, nodes, bgpPort: 179 };
}
