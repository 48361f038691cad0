// Loop detection for received paths (RFC 4271 §9.1.2, RFC 4456 §8). Run once per UPDATE on its
// interned attribute set: every prefix of the UPDATE shares the answer.

import type { PathAttributes } from '../wire/index.js';
import { asPathContains } from './as-path.js';
import type { RejectReason } from './types.js';

export interface LoopContext {
  localAsn: number;
  routerId: string;
  clusterId: string;
}

/** Why a path must not be used, or undefined when it may. */
export function loopReason(attrs: PathAttributes, ctx: LoopContext): RejectReason | undefined {
  if (asPathContains(attrs.asPath, ctx.localAsn)) return 'as-loop';
  if (attrs.originatorId !== undefined && attrs.originatorId === ctx.routerId) return 'originator-id';
  if (attrs.clusterList !== undefined && attrs.clusterList.includes(ctx.clusterId)) return 'cluster-loop';
  return undefined;
}
