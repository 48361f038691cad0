// Structured JSON-lines logging. One line per event on stderr, so `kubectl logs` and jq both read it.
// Every layer takes a Logger value (never a global), which keeps pure modules testable with a silent one.

export type LogFields = Record<string, unknown>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry these fields (e.g. { peer: "10.0.0.1" }). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
  /** Called for every line at or above `level`, e.g. to feed the recent-events ring. */
  tap?: (level: LogLevel, msg: string, fields: LogFields) => void;
}

export function jsonLogger(opts: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const all = fields ? { ...base, ...fields } : base;
    opts.tap?.(level, msg, all);
    write(JSON.stringify({ time: now().toISOString(), level, msg, ...all }, jsonSafe) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => jsonLogger(opts, { ...base, ...fields }),
  };
}

/** Errors, bigints and buffers do not serialize usefully by default. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLogger; },
};
