// Sets one annotation on a Node with a JSON merge patch: touches nothing else on the object and
// needs no resourceVersion, so it never conflicts with the kubelet's own status updates.
import * as k8s from '@kubernetes/client-node';

export function nodeAnnotationWriter(kc: k8s.KubeConfig, nodeName: string, key: string): (value: string) => Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return async (value) => {
    // client-node defaults to JSON-patch; merge patch must be asked for (shared/notes/client-node.md).
    await core.patchNode({ name: nodeName, body: { metadata: { annotations: { [key]: value } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  };
}
