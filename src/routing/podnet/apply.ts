// The thin shell of pod networking: writes the CNI config, turns on forwarding and loads the SNAT
// plan. Each step is idempotent and touches only what is ours.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { hostRunner, runOk, type Runner } from '../../netfilter/exec.js';
import { CNI_FILE_NAME } from './cni.js';
import { SNAT_CHAIN, type SnatPlan } from './snat.js';

/** Writes the conflist atomically (tmp + rename), and only when its content changed. */
export async function writeCniConfig(dir: string, conflist: Record<string, unknown>, log: Logger): Promise<boolean> {
  const path = join(dir, CNI_FILE_NAME);
  const text = JSON.stringify(conflist, null, 2) + '\n';
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await mkdir(dir, { recursive: true });
  await writeFile(path + '.tmp', text, { mode: 0o644 });
  await rename(path + '.tmp', path);
  log.info('CNI config written', { path });
  return true;
}

/**
 * Turns forwarding on where it is off. Reads first: in an unprivileged container /proc/sys is
 * read-only, and the DaemonSet's init container has already set it, so a write is neither possible
 * nor needed. Only a value that is off and cannot be changed is an error.
 */
export async function enableForwarding(families: (4 | 6)[]): Promise<void> {
  const paths = { 4: '/proc/sys/net/ipv4/ip_forward', 6: '/proc/sys/net/ipv6/conf/all/forwarding' } as const;
  for (const f of families) {
    const current = (await readFile(paths[f], 'utf8').catch(() => '')).trim();
    if (current === '1') continue;
    await writeFile(paths[f], '1').catch((err: Error) => {
      throw new Error(`IPv${f} forwarding is off and cannot be turned on (${err.message}); set it on the node or in the init container`);
    });
  }
}

export async function applySnat(plan: SnatPlan, families: (4 | 6)[], run: Runner = hostRunner): Promise<void> {
  await runOk(run, ['ipset', 'restore'], plan.ipsetRestore);
  for (const f of families) {
    const cmd = f === 4 ? 'iptables' : 'ip6tables';
    await runOk(run, [`${cmd}-restore`, '--noflush', '-w', '5'], plan.iptablesRestore[f]);
    // The jump from POSTROUTING is the one rule outside our chain; add it only if missing.
    const rule = ['-m', 'comment', '--comment', 'podroute', '-j', SNAT_CHAIN];
    const exists = (await run([cmd, '-w', '5', '-t', 'nat', '-C', 'POSTROUTING', ...rule])).code === 0;
    if (!exists) await runOk(run, [cmd, '-w', '5', '-t', 'nat', '-A', 'POSTROUTING', ...rule]);
  }
}


