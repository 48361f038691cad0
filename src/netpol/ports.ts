// NetworkPolicy ports → iptables match text. Named ports are resolved against a pod's declared
// container ports (the destination pod: for ingress the selected pod, for egress each peer pod).
import type { NetworkPolicyPort, PodView } from '../cluster/view.js';

/** Port number a named port has on this pod for this protocol, or undefined when the pod lacks it. */
export function resolveNamedPort(pod: PodView, name: string, protocol: string): number | undefined {
  for (const p of pod.ports) if (p.name === name && p.protocol === protocol) return p.containerPort;
  return undefined;
}

/**
 * The match text of one numeric (or absent) port: "-p tcp", "-p tcp --dport 80",
 * "-p tcp --dport 8000:8080". An endPort below port is invalid upstream; we keep the single port.
 */
export function numericPortMatch(p: NetworkPolicyPort, port: number | undefined): string {
  const proto = p.protocol.toLowerCase();
  if (port === undefined) return `-p ${proto}`;
  if (p.endPort !== undefined && typeof p.port === 'number' && p.endPort > port) return `-p ${proto} --dport ${port}:${p.endPort}`;
  return `-p ${proto} --dport ${port}`;
}
