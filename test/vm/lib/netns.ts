// Pod network namespaces inside the VM: veth pairs, addresses, a server per pod.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { sh } from './checks.js';

const here = dirname(fileURLToPath(import.meta.url));
// dist/test/vm/lib → the .mjs lives in the source tree (tsc does not copy it).
const serverScript = resolve(here, '../../../../test/vm/lib/pod-server.mjs');

export interface Pod {
  name: string;
  ip: string;
  ip6: string;
  proc: ChildProcess;
}

/** Pod i: netns pod<i>, veth hv<i> (10.0.<i>.1, fd00:0:<i>::1) ↔ eth0 (10.0.<i>.2, fd00:0:<i>::2), serving TCP 8080 (both families) and UDP 5353. */
export async function startPods(n: number): Promise<Pod[]> {
  const pods: Pod[] = [];
  for (let i = 1; i <= n; i++) {
    const ns = `pod${i}`;
    sh(`ip netns add ${ns} && ip link add hv${i} type veth peer name eth0 netns ${ns} && ip addr add 10.0.${i}.1/24 dev hv${i} && ip link set hv${i} up && ` +
      `ip -n ${ns} addr add 10.0.${i}.2/24 dev eth0 && ip -n ${ns} link set eth0 up && ip -n ${ns} link set lo up && ip -n ${ns} route add default via 10.0.${i}.1 && ` +
      `ip addr add fd00:0:${i}::1/64 dev hv${i} nodad && ip -n ${ns} addr add fd00:0:${i}::2/64 dev eth0 nodad && ip -n ${ns} -6 route add default via fd00:0:${i}::1`);
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, serverScript, ns, `10.0.${i}.2`, `fd00:0:${i}::2`], { stdio: ['ignore', 'pipe', 'inherit'] });
    pods.push({ name: ns, ip: `10.0.${i}.2`, ip6: `fd00:0:${i}::2`, proc });
  }
  await Promise.all(pods.map((p) => new Promise<void>((res, rej) => {
    let out = '';
    p.proc.stdout!.on('data', (d: Buffer) => { out += d; if (out.includes('ready')) res(); });
    p.proc.on('exit', (c) => rej(new Error(`${p.name} exited ${c}`)));
  })));
  return pods;
}

export function stopPods(pods: Pod[]): void {
  for (const p of pods) p.proc.kill();
}
