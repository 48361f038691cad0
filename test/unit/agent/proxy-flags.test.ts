// The service proxy's agent flags: kube-router's duration syntax, and bad values refused with a
// usage error naming the flag before the agent touches anything.
import { expect, test } from '@jest/globals';
import { agentCommand, durationSeconds } from '../../../src/cli/agent.js';
import { UsageError } from '../../../src/cli/args.js';

test('durations: Go-style units or plain seconds', () => {
  expect([durationSeconds('30s', 'x'), durationSeconds('5m', 'x'), durationSeconds('1h', 'x'), durationSeconds('500ms', 'x'), durationSeconds('2.5', 'x')]).toEqual([30, 300, 3600, 0.5, 2.5]);
  for (const bad of ['', '-1s', '5 m', '1d', 'soon']) expect(() => durationSeconds(bad, 'ipvs-graceful-period')).toThrow(new UsageError(`--ipvs-graceful-period must be a duration like 30s, 5m or 1h, got "${bad}"`));
});

test.each([
  [['--excluded-cidrs', '10.96.0.0/40'], '--excluded-cidrs: bad prefix length in "10.96.0.0/40"'],
  [['--nodeport-addresses', '10.0.0.1,nope'], '--nodeport-addresses: "nope" is not an IP address'],
  [['--ipvs-graceful-period', 'forever'], '--ipvs-graceful-period must be a duration like 30s, 5m or 1h, got "forever"'],
  [['--ipvs-sync-period', '0s'], '--ipvs-sync-period must be at least 1s'],
  [['--ipvs-stats-period', '10ms'], '--ipvs-stats-period must be at least 100ms'],
])('agent %j → usage error', async (args, message) => {
  await expect(agentCommand(['--cluster-file', '/nonexistent/cluster.yaml', '--http', '', ...args])).rejects.toThrow(new UsageError(message));
});
