// The tests' Lab is the product's: src/lab/netns.ts (the demo builds its cluster with it too).
export * from '../../src/lab/netns.js';
