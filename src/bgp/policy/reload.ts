// Applying a policy change to a running speaker without resetting sessions: export changes
// re-evaluate Adj-RIB-Out (only differences go out); import changes ask the affected peers for a
// route refresh (RFC 2918), since the RIB keeps only the filtered result of what they sent.

import type { Speaker } from '../speaker/speaker.js';
import { peerKey } from '../speaker/peer-config.js';
import type { Logger } from '../../util/log.js';
import type { PolicyChange } from './filters.js';

export function applyPolicyChange(speaker: Speaker, change: PolicyChange, log: Logger): void {
  if (change.exportChanged.length > 0) {
    speaker.reevaluateExports();
    log.info('export policy changed: re-evaluating what peers are sent', { peers: change.exportChanged });
  }
  if (change.importChanged.length === 0) return;
  const changed = new Set(change.importChanged);
  for (const v of speaker.peerViews()) {
    const key = peerKey(v.config.address);
    if (!changed.has(key) || v.state !== 'Established') continue;
    if (!v.negotiated?.routeRefresh) {
      log.warn('import policy changed but the peer does not support route refresh: applies to routes it sends from now on', { peer: key });
      continue;
    }
    for (const f of v.negotiated.families) speaker.refreshFrom(key, f);
    log.info('import policy changed: route refresh requested', { peer: key, families: v.negotiated.families });
  }
}
