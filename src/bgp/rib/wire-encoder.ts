// The default UpdateEncoder: the wire codec's packers. We advertise one path per prefix (the
// best), so where ADD-PATH send was negotiated every prefix goes out with path id 1.

import { encodeEndOfRib, packUpdates, packWithdrawals, type CodecContext } from '../wire/index.js';
import type { OutboundBatch } from './adj-rib-out.js';
import type { UpdateEncoder } from './update-encoder.js';

const ONE_PATH_ID = 1;

function pathIdsFor(ctx: CodecContext, batch: OutboundBatch & { prefixes: string[] }): number[] | undefined {
  return ctx.addPathSend.has(batch.family) ? new Array<number>(batch.prefixes.length).fill(ONE_PATH_ID) : undefined;
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
