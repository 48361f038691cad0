// The optional PodrouteNodeStatus custom resource: one cluster-scoped object per node, named after
// it, holding the same summary as the bgp-status annotation, so
//
//   kubectl get podroutenodestatuses        (short name: prns)
//   NAME     ASN     ROUTER-ID   ESTABLISHED   PEERS   FIB   UPDATED
//   node-1   64512   10.0.0.1    3             3       4     2s
//
// gives the whole cluster's BGP state at a glance. The CRD is not created by the agent (that needs
// cluster-admin); install `podrouteNodeStatusCrd()` as YAML (docs/agent.md) and pass --status-crd.
// Writes are a merge patch of the object, created on the first 404.
import * as k8s from '@kubernetes/client-node';
import type { BgpStatusSummary } from '../../agent/node-status.js';

export const CRD_GROUP = 'podroute.io';
export const CRD_VERSION = 'v1alpha1';
export const CRD_PLURAL = 'podroutenodestatuses';
export const CRD_KIND = 'PodrouteNodeStatus';

/** The CustomResourceDefinition to install, as a plain object (print it as YAML). */
export function podrouteNodeStatusCrd(): Record<string, unknown> {
  const col = (name: string, type: string, jsonPath: string, description: string) => ({ name, type, jsonPath, description });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${CRD_PLURAL}.${CRD_GROUP}` },
    spec: {
      group: CRD_GROUP,
      scope: 'Cluster',
      names: { plural: CRD_PLURAL, singular: 'podroutenodestatus', kind: CRD_KIND, shortNames: ['prns'] },
      versions: [{
        name: CRD_VERSION,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        additionalPrinterColumns: [
          col('ASN', 'integer', '.status.asn', 'the node\'s BGP AS number'),
          col('Router-ID', 'string', '.status.routerId', 'BGP router id'),
          col('Established', 'integer', '.status.established', 'sessions Established'),
          col('Peers', 'integer', '.status.configured', 'sessions configured'),
          col('FIB', 'integer', '.status.fib.installed', 'learned routes in the kernel FIB'),
          col('Updated', 'date', '.status.updatedAt', 'when the agent last wrote this'),
        ],
      }],
    },
  };
}

/** The object for one node: the annotation's summary plus `configured` (printer columns cannot count). */
export function nodeStatusObject(nodeName: string, summary: BgpStatusSummary & { updatedAt?: string }): k8s.KubernetesObject & { status: unknown } {
  return {
    apiVersion: `${CRD_GROUP}/${CRD_VERSION}`,
    kind: CRD_KIND,
    metadata: { name: nodeName },
    status: { ...summary, configured: summary.peers.length },
  };
}

export function nodeStatusCrdWriter(kc: k8s.KubeConfig, nodeName: string): (text: string) => Promise<void> {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const ids = { group: CRD_GROUP, version: CRD_VERSION, plural: CRD_PLURAL };
  return async (text) => {
    const obj = nodeStatusObject(nodeName, JSON.parse(text) as BgpStatusSummary);
    try {
      await api.patchClusterCustomObject({ ...ids, name: nodeName, body: { status: obj.status } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      // First write for this node — or the CRD is not installed, which create reports as 404 too.
      try {
        await api.createClusterCustomObject({ ...ids, body: obj });
      } catch (e) {
        if ((e as { code?: number }).code === 404) throw new Error(`the ${CRD_PLURAL}.${CRD_GROUP} CRD is not installed (see docs/agent.md), or --status-crd is set by mistake`);
        throw e;
      }
    }
  };
}
