// Kubernetes label selectors (metav1.LabelSelector) evaluated against a label map.
// All requirements are ANDed; an empty selector matches everything (as the API defines).
import type { LabelSelector, LabelSelectorRequirement } from '../cluster/view.js';

export function matchesRequirement(labels: Record<string, string>, r: LabelSelectorRequirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      // NotIn matches objects without the key too (upstream labels.Selector semantics).
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function matchesSelector(labels: Record<string, string>, s: LabelSelector): boolean {
  for (const k in s.matchLabels) {
    if (labels[k] !== s.matchLabels[k] || !Object.prototype.hasOwnProperty.call(labels, k)) return false;
  }
  for (const r of s.matchExpressions) if (!matchesRequirement(labels, r)) return false;
  return true;
}

export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

const keys = new WeakMap<LabelSelector, string>();

/** A canonical text for a selector, so equal selectors share memoized results. */
export function selectorKey(s: LabelSelector): string {
  let k = keys.get(s);
  if (k === undefined) keys.set(s, (k = computeKey(s)));
  return k;
}

function computeKey(s: LabelSelector): string {
  const ml = Object.keys(s.matchLabels).sort().map((k) => `${k}=${s.matchLabels[k]}`);
  const me = s.matchExpressions
    .map((r) => `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`)
    .sort();
  return `${ml.join(',')}|${me.join(',')}`;
}
