// FibSync must plug into the routing controller (routing/fib-port.ts FibPort) and its status into
// the observe contract (observe/status.ts FibStatus) without adapters: checked by the compiler
// (`npx tsc --noEmit`), with a runtime smoke check so jest runs the file.

import { expect, test } from '@jest/globals';
import type { FibPort } from '../../../../src/routing/fib-port.js';
import type { FibStatus as ObservedFibStatus } from '../../../../src/observe/status.js';
import type { FibSync } from '../../../../src/routing/fib/fib-sync.js';
import type { FibStatus } from '../../../../src/routing/fib/types.js';

type Assert<T extends true> = T;
export type PortOk = Assert<FibSync extends FibPort ? true : false>;
export type StatusOk = Assert<FibStatus extends ObservedFibStatus ? true : false>;

test('contracts are type-checked', () => {
  const ok: [PortOk, StatusOk] = [true, true];
  expect(ok).toEqual([true, true]);
});
