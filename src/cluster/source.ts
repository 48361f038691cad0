// What every ClusterView source offers the agent. Sources are level-triggered: 'change' only says
// "look again"; the agent reads view() and recomputes desired state from scratch.
import type { EventEmitter } from 'node:events';
import type { ClusterView } from './view.js';

export interface SourceProblem {
  /** The object the problem is about, e.g. "Node/node-1" or the file path. */
  object: string;
  reason: string;
}

export interface ClusterSource extends EventEmitter<{ change: []; problem: [SourceProblem] }> {
  start(): Promise<void>;
  stop(): Promise<void>;
  view(): ClusterView;
  /** True after the first complete load (initial list, or first good parse of the file). */
  ready(): boolean;
}
