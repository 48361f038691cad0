// A bounded ring of recent events for the status API and dashboard, fed by the logger's tap so
// every warning an operator would grep for also shows up in `podroute status`.
import type { EventRecord } from '../observe/status.js';
import type { LogFields, LogLevel } from '../util/log.js';

export class EventLog {
  private readonly items: EventRecord[] = [];
  constructor(private readonly capacity = 200) {}

  add(level: EventRecord['level'], subsystem: string, message: string, time = new Date()): void {
    this.items.push({ time: time.toISOString(), level, subsystem, message });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Logger tap: info lines only when they mark a state change worth seeing; all warnings and errors. */
  tap = (level: LogLevel, msg: string, fields: LogFields): void => {
    if (level === 'debug') return;
    if (level === 'info' && !NOTABLE.some((n) => msg.startsWith(n))) return;
    const subsystem = String(fields.component ?? fields.subsystem ?? (fields.peer ? 'bgp' : 'agent'));
    const detail = fields.peer ? ` (${String(fields.peer)}${fields.state ? ` → ${String(fields.state)}` : ''})` : '';
    const reason = fields.reason ? `: ${String(fields.reason)}` : '';
    this.add(level, subsystem, `${msg}${detail}${reason}`);
  };

  list(): EventRecord[] {
    return [...this.items].reverse();
  }
}

const NOTABLE = ['graceful restart', 'initial BGP convergence', 'peer established', 'peer added', 'peer removed', 'peer changed', 'bgp speaker started', 'cluster file loaded', 'CNI config written', 'route refresh'];
