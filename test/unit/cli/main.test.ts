import { main } from '../../../src/cli/main.js';

test('unknown command exits 2', async () => {
  const write = process.stderr.write;
  let out = '';
  process.stderr.write = ((s: string) => { out += s; return true; }) as typeof process.stderr.write;
  try {
    expect(await main(['no-such'])).toBe(2);
  } finally {
    process.stderr.write = write;
  }
  expect(out).toContain('unknown command "no-such"');
});
