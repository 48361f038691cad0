// Import/export policy: config → compiled evaluators → the RIB's ImportFilter/ExportFilter.
export type * from './types.js';
export { compilePolicy, type CompiledPolicy } from './evaluate.js';
export { PolicySet, PolicyRuntime, diffPolicySets, composeImport, composeExport, type PolicyChange } from './filters.js';
export { parsePolicies, parsePeerPolicyBinding } from './config.js';
export { applyPolicyChange } from './reload.js';
