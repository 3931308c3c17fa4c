import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/bundle/plan.ts';
import { MAX_SIZED_LEGS, sizedExtraGas, sizedLegsExtraGas } from '../../src/bundle/sizing.ts';

// The bound itself is checked against forge's measurements in contracts/test/executor/ExecutorSizedLegsGas.t.sol;
// here only its shape and its refusals.
describe('sizedLegsExtraGas (the gas bound for executeSizedLegs over execute)', () => {
  it('covers one leg at least as much as sizedExtraGas and grows with every leg and entry', () => {
    for (const entries of [2, 8, 16, 64]) {
      expect(sizedLegsExtraGas(1, entries)).toBeGreaterThan(sizedExtraGas(entries));
      expect(sizedLegsExtraGas(2, entries)).toBeGreaterThan(sizedLegsExtraGas(1, entries));
      expect(sizedLegsExtraGas(MAX_SIZED_LEGS, entries)).toBeGreaterThan(sizedLegsExtraGas(2, entries));
    }
    expect(sizedLegsExtraGas(2, 3)).toBeGreaterThan(sizedLegsExtraGas(2, 2));
  });

  it('refuses leg and entry counts the executor refuses', () => {
    for (const [legs, entries] of [[0, 2], [MAX_SIZED_LEGS + 1, 2], [1.5, 2], [2, 1], [2, 65], [2, 2.5]] as const) {
      expect(() => sizedLegsExtraGas(legs, entries)).toThrow(PlanError);
    }
  });
});
