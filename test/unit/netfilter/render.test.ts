import { deltaSet, replaceSet, tempName } from '../../../src/netfilter/ipset-restore.js';
import { dropCounters, listedChains, renderFilter } from '../../../src/netfilter/iptables-restore.js';
import { countRules } from '../../../src/netfilter/backend.js';

test('replaceSet builds a temporary set and swaps it in', () => {
  expect(replaceSet('podroute-x', { type: 'hash:ip', family: 4 }, ['10.0.0.1', '10.0.0.2'])).toEqual([
    'create podroute-x hash:ip family inet hashsize 1024 maxelem 65536 -exist',
    'create podroute-x-t hash:ip family inet hashsize 1024 maxelem 65536 -exist',
    'flush podroute-x-t',
    'add podroute-x-t 10.0.0.1',
    'add podroute-x-t 10.0.0.2',
    'swap podroute-x-t podroute-x',
    'destroy podroute-x-t',
  ]);
  expect(replaceSet('p', { type: 'hash:net', family: 6 }, [])[0]).toContain('family inet6');
  expect(tempName('podroute-abcdefghijklmnopqrstuv').length).toBeLessThanOrEqual(31);
});

test('maxelem grows with the set', () => {
  const many = Array.from({ length: 70000 }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  expect(replaceSet('p', { type: 'hash:ip', family: 4 }, many)[0]).toContain('maxelem 262144');
});

test('deltaSet touches only the difference, and re-adds a member whose nomatch flag flips', () => {
  expect(deltaSet('s', ['a', 'b'], ['b', 'c'])).toEqual(['del s a -exist', 'add s c -exist']);
  expect(deltaSet('s', ['10.0.0.0/8 nomatch'], ['10.0.0.0/8'])).toEqual(['del s 10.0.0.0/8 -exist', 'add s 10.0.0.0/8 -exist']);
  expect(deltaSet('s', ['a'], ['a'])).toEqual([]);
});

test('renderFilter rewrites only named chains, flushes before deleting', () => {
  expect(renderFilter({ write: new Map([['PODROUTE-FW', ['-j RETURN']]]), remove: ['PODROUTE-I-x'] })).toBe(
    '*filter\n:PODROUTE-FW - [0:0]\n:PODROUTE-I-x - [0:0]\n-A PODROUTE-FW -j RETURN\n-X PODROUTE-I-x\nCOMMIT\n',
  );
});

test('listings: chains by prefix, DROP counters, rule counts', () => {
  const s = '-P FORWARD ACCEPT -c 0 0\n-N OTHER\n-N PODROUTE-I-a\n-A PODROUTE-I-a -c 3 180 -j RETURN\n-A PODROUTE-I-a -c 5 300 -j DROP\n-A OTHER -c 9 9 -j DROP\n';
  const ours = (c: string) => c.startsWith('PODROUTE-');
  expect(listedChains(s, ours)).toEqual(['PODROUTE-I-a']);
  expect(dropCounters(s, ours)).toEqual(new Map([['PODROUTE-I-a', { packets: 5, bytes: 300 }]]));
  expect(countRules('*filter\n:X - [0:0]\n-A X -j DROP\n[1:2] -A X -j DROP\n')).toBe(2);
});

test('detectBackend follows the backend holding more rules, and never lists legacy tables that do not exist', async () => {
  const { detectBackend } = await import('../../../src/netfilter/backend.js');
  const calls: string[] = [];
  const host = (legacyTables: string, legacyRules: number, nftRules: number) => async (argv: readonly string[]) => {
    calls.push(argv.join(' '));
    const rules = (n: number) => Array.from({ length: n }, () => '-A X -j DROP').join('\n');
    if (argv[0] === 'cat') return { code: 0, stdout: argv[1].includes('ip_tables') ? legacyTables : '', stderr: '' };
    if (argv[0].includes('legacy')) return { code: 0, stdout: rules(legacyRules), stderr: '' };
    return { code: 0, stdout: rules(nftRules), stderr: '' };
  };
  expect(await detectBackend(host('filter\nnat\n', 5, 1))).toBe('legacy');
  expect(await detectBackend(host('filter\n', 1, 5))).toBe('nft');
  calls.length = 0;
  expect(await detectBackend(host('', 0, 0))).toBe('nft');
  expect(calls.some((c) => c.includes('legacy'))).toBe(false);
});
