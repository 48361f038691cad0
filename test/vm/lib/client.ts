// Clients for the dataplane checks: one TCP request/reply, one UDP request/reply, a held connection.
import dgram from 'node:dgram';
import net from 'node:net';

export function tcpAsk(host: string, port: number, timeoutMs = 4000, localAddress?: string): Promise<string> {
  return new Promise((res, rej) => {
    const s = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    let b = '';
    s.setTimeout(timeoutMs, () => { s.destroy(); rej(new Error(`tcp ${host}:${port} timed out`)); });
    s.on('connect', () => s.write('hi'));
    s.on('data', (d) => (b += d)).on('end', () => res(b.trim())).on('error', rej);
  });
}

export function udpAsk(host: string, port: number, timeoutMs = 4000): Promise<string> {
  return new Promise((res, rej) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); rej(new Error(`udp ${host}:${port} timed out`)); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); res(String(m).trim()); });
    s.send('hi', port, host);
  });
}

/** Opens a TCP connection that the pod keeps open (it ignores "hold"). */
export function tcpHold(host: string, port: number): Promise<net.Socket> {
  return new Promise((res, rej) => {
    const s = net.connect({ host, port }, () => { s.write('hold'); res(s); });
    s.on('error', rej);
  });
}
