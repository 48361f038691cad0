// ESM jest with @swc/jest: see docs/development.md for why (client-node 1.x is ESM-only).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }] };
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
};
export default {
  projects: [
    // Pure tests: no root, no network beyond loopback.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Real parts: namespaces, BIRD/FRR/GoBGP/ExaBGP, kernel FIB, Chromium, IPVS VM. Need root.
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
