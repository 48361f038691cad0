// Public surface of the FIB sync (see fib-sync.ts for the rules and docs/kernel-routes.md).
export { FibSync, openFibSync, type FibLog, type FibSyncOptions } from './fib-sync.js';
export { diffFib, sameRoute, nextHopSignature } from './diff.js';
export { resolveNextHops, buildConnectedState, type ConnectedState, type Resolution } from './reachability.js';
export { validateFibRoute } from './validate.js';
export type { FibDiff, FibError, FibNextHop, FibRoute, FibSkip, FibStatus } from './types.js';
