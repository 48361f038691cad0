// The injector: a minimal active BGP speaker. It encodes everything before connecting, then on
// Established writes all UPDATEs and End-of-RIB in one go, and afterwards only keeps the session up.
// It runs as its own process inside the injector namespace (Node cannot enter a namespace), and
// reports on stdout as JSON lines; times are wall-clock ms (performance.timeOrigin + now) so the
// parent process can compare them with its own.
import { connect } from 'node:net';
import { endOfRib, keepalive, MSG, open, updates } from './encoder.js';
import { generatePrefixes } from './prefixes.js';

export interface InjectorOptions { prefixes: number; local: string; peer: string; asn: number; holdTime: number }

export function now(): number { return performance.timeOrigin + performance.now(); }

function report(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, t: now(), ...fields })}\n`);
}

export function runInjector(o: InjectorOptions): void {
  const { data, count } = updates(generatePrefixes(o.prefixes), o.asn, o.local);
  report('ready', { updates: count, bytes: data.length });
  const sock = connect({ host: o.peer, port: 179, localAddress: o.local });
  sock.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  let gotOpen = false;
  let established = false;
  sock.on('connect', () => sock.write(open(o.asn, o.holdTime, o.local)));
  sock.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 19) {
      const len = buf.readUInt16BE(16);
      if (buf.length < len) break;
      const type = buf[18];
      const msg = buf.subarray(0, len);
      buf = buf.subarray(len);
      if (type === MSG.NOTIFICATION) {
        report('notification', { code: msg[19], subcode: msg[20] });
        process.exit(1);
      }
      if (type === MSG.OPEN && !gotOpen) {
        gotOpen = true;
        sock.write(keepalive());
      } else if (type === MSG.KEEPALIVE && gotOpen && !established) {
        established = true;
        report('established');
        sock.write(data);
        sock.write(endOfRib(), () => report('sent'));
        setInterval(() => sock.write(keepalive()), (o.holdTime / 3) * 1000);
      }
      // Anything else (the receiver's own UPDATEs, KEEPALIVEs) is read and dropped.
    }
  });
  sock.on('error', (e) => { report('error', { message: e.message }); process.exit(1); });
  sock.on('close', () => { report('closed'); process.exit(established ? 0 : 1); });
}
