// The default UpdateEncoder: the wire codec's packers. Batches for an ADD-PATH send family carry
// their path ids (see adj-rib-out.ts); a batch without ids where ADD-PATH send is negotiated (a
// custom caller) goes out with path id 1.

import { encodeEndOfRib, packUpdates, packWithdrawals, type CodecContext } from '../wire/index.js';
import type { OutboundBatch } from './adj-rib-out.js';
import type { UpdateEncoder } from './update-encoder.js';

const ONE_PATH_ID = 1;

function pathIdsFor(ctx: CodecContext, batch: Exclude<OutboundBatch, { kind: 'eor' }>): number[] | undefined {
  if (!ctx.addPathSend.has(batch.family)) return undefined;
  return batch.pathIds ?? new Array<number>(batch.prefixes.length).fill(ONE_PATH_ID);
}

export const wireEncoder: UpdateEncoder = {
  encode(batch: OutboundBatch, ctx: CodecContext): Buffer[] {
    switch (batch.kind) {
      case 'announce':
        return packUpdates(batch.family, batch.attrs, batch.prefixes, ctx, pathIdsFor(ctx, batch));
      case 'withdraw':
        return packWithdrawals(batch.family, batch.prefixes, ctx, pathIdsFor(ctx, batch));
      case 'eor':
        return [encodeEndOfRib(batch.family)];
    }
  },
};
