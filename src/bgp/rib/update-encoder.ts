// The seam between the RIB's outbound batches and wire bytes. The RIB decides what to say
// (batches of prefixes per attribute set); the codec decides how it fits in UPDATE messages.

import type { CodecContext } from '../wire/index.js';
import type { OutboundBatch } from './adj-rib-out.js';

export interface UpdateEncoder {
  encode(batch: OutboundBatch, ctx: CodecContext): Buffer[];
}
