import { matchesSelector, selectorKey } from '../../../src/netpol/selector.js';
import { sel } from './fixtures.js';

const L = { app: 'web', tier: 'front' };
test.each([
  [sel(), true],
  [sel({ app: 'web' }), true],
  [sel({ app: 'db' }), false],
  [sel({ app: 'web', tier: 'back' }), false],
  [sel({}, [{ key: 'app', operator: 'In', values: ['db', 'web'] }]), true],
  [sel({}, [{ key: 'app', operator: 'In', values: ['db'] }]), false],
  [sel({}, [{ key: 'zone', operator: 'In', values: ['x'] }]), false],
  [sel({}, [{ key: 'app', operator: 'NotIn', values: ['web'] }]), false],
  [sel({}, [{ key: 'zone', operator: 'NotIn', values: ['x'] }]), true],
  [sel({}, [{ key: 'tier', operator: 'Exists', values: [] }]), true],
  [sel({}, [{ key: 'zone', operator: 'Exists', values: [] }]), false],
  [sel({}, [{ key: 'zone', operator: 'DoesNotExist', values: [] }]), true],
  [sel({}, [{ key: 'app', operator: 'DoesNotExist', values: [] }]), false],
  [sel({ app: 'web' }, [{ key: 'tier', operator: 'NotIn', values: ['front'] }]), false],
])('selector %j on {app:web,tier:front} → %s', (s, want) => {
  expect(matchesSelector(L, s)).toBe(want);
});

test('a label named like an Object prototype key is not present by accident', () => {
  expect(matchesSelector({}, sel({}, [{ key: 'constructor', operator: 'Exists', values: [] }]))).toBe(false);
  expect(matchesSelector({}, sel({ toString: 'x' }))).toBe(false);
});

test('selectorKey is canonical', () => {
  expect(selectorKey(sel({ b: '2', a: '1' }, [{ key: 'k', operator: 'In', values: ['y', 'x'] }])))
    .toBe(selectorKey(sel({ a: '1', b: '2' }, [{ key: 'k', operator: 'In', values: ['x', 'y'] }])));
  expect(selectorKey(sel({ a: '1' }))).not.toBe(selectorKey(sel({ a: '2' })));
});
