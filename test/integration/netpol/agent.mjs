// Test agent run inside one network namespace: serves TCP and UDP ports (every family) and makes
// probes on request. Protocol on stdio, one JSON object per line:
//   in:  {"id":1,"proto":"tcp"|"udp","host":"10.77.0.2","port":80,"timeoutMs":800,"local":"10.78.0.3"?}
//   out: {"id":1,"ok":true|false,"err":"..."}; first line {"ready":true} once every port listens.
import net from 'node:net';
import dgram from 'node:dgram';
import readline from 'node:readline';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const waits = [];
for (const port of cfg.tcp ?? []) {
  const srv = net.createServer((s) => { s.on('error', () => {}); s.end('ok\n'); });
  waits.push(new Promise((res, rej) => { srv.once('error', rej); srv.listen({ port, host: '::', ipv6Only: false }, res); }));
}
for (const port of cfg.udp ?? []) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
  waits.push(new Promise((res, rej) => { sock.once('error', rej); sock.bind(port, '::', res); }));
}

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function tcpProbe(r) {
  return new Promise((resolve) => {
    const s = net.connect({ host: r.host, port: r.port, localAddress: r.local });
    const t = setTimeout(() => { s.destroy(); resolve({ ok: false, err: 'timeout' }); }, r.timeoutMs ?? 800);
    let data = '';
    s.on('data', (d) => { data += d; if (data.includes('ok')) { clearTimeout(t); s.destroy(); resolve({ ok: true }); } });
    s.on('error', (e) => { clearTimeout(t); resolve({ ok: false, err: e.code ?? String(e) }); });
  });
}

function udpProbe(r) {
  return new Promise((resolve) => {
    const s = dgram.createSocket(r.host.includes(':') ? 'udp6' : 'udp4');
    const token = `p${Math.random()}`;
    const t = setTimeout(() => { s.close(); resolve({ ok: false, err: 'timeout' }); }, r.timeoutMs ?? 800);
    s.on('message', (m) => { if (m.toString() === token) { clearTimeout(t); s.close(); resolve({ ok: true }); } });
    s.on('error', (e) => { clearTimeout(t); try { s.close(); } catch {} resolve({ ok: false, err: e.code ?? String(e) }); });
    const send = () => s.send(token, r.port, r.host);
    if (r.local) s.bind(0, r.local, send); else send();
  });
}

Promise.all(waits).then(() => {
  out({ ready: true });
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    const r = JSON.parse(line);
    const res = r.proto === 'udp' ? await udpProbe(r) : await tcpProbe(r);
    out({ id: r.id, ...res });
  });
}, (e) => { out({ ready: false, err: String(e) }); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
