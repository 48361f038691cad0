// A "pod": answers TCP (port 8080) and UDP (port 5353) with its name. Runs in a netns in the VM.
import net from 'node:net';
import dgram from 'node:dgram';
const [name, addr, addr6] = process.argv.slice(2);
const tcp = (s) => { s.on('data', (d) => { if (String(d).includes('hold')) return; s.end(String(d).includes('who') ? `${name} ${s.remoteAddress}\n` : `${name}\n`); }); s.on('error', () => {}); };
if (addr6) net.createServer(tcp).listen(8080, addr6);
net.createServer((s) => { s.on('data', (d) => { if (String(d).includes('hold')) return; s.end(String(d).includes('who') ? `${name} ${s.remoteAddress}\n` : `${name}\n`); }); s.on('error', () => {}); }).listen(8080, addr);
dgram.createSocket('udp4').on('message', function (m, r) { this.send(`${name}\n`, r.port, r.address); }).bind(5353, addr, () => console.log(`${name} ready`));
