import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/devnet.ts';
import { loadScenario } from '../../src/devnet/scenario/load.ts';
import { projectRoot } from '../../src/paths.ts';
import { measureGasCalibration } from '../../src/devnet/gasCalibration.ts';
import calibration from '../../src/strategy/gasCalibration.json' with { type: 'json' };
import { startTestDevnet } from '../helpers/devnet.ts';

let devnet: Devnet;
// The calibration's scenario: the default market plus V4 pools (V2/V3 shapes and shapes with V4 hops).
beforeAll(async () => {
  const scenario = loadScenario(join(projectRoot(), 'scenarios', 'v4.json'));
  devnet = await startTestDevnet({ scenario: { ...scenario, privateFlow: null } });
}, 300_000);
afterAll(async () => {
  await devnet?.stop();
});

/** Gas figures move with the executor's code and the pools' state; more than this means the file is stale. */
const toleranceBps = 100n;

describe('the committed gas calibration', () => {
  it('matches the real executor measured again on anvil, shape by shape, within 1% (else re-run scripts/calibrate-gas.ts)', async () => {
    const fresh = await measureGasCalibration(devnet);
    const committed = calibration.shapes as Record<string, { inventory: number; flash: number }>;
    expect(Object.keys(fresh.shapes).sort()).toEqual(Object.keys(committed).sort());
    expect(Object.keys(fresh.shapes).length).toBeGreaterThan(0);
    expect(fresh.scenario).toBe(calibration.scenario);
    for (const [shape, modes] of Object.entries(fresh.shapes)) {
      for (const mode of ['inventory', 'flash'] as const) {
        const now = BigInt(modes[mode]);
        const recorded = BigInt(committed[shape]![mode]);
        const drift = now > recorded ? now - recorded : recorded - now;
        expect(drift * 10_000n, `${shape} ${mode}: measured ${now}, committed ${recorded}`).toBeLessThanOrEqual(recorded * toleranceBps);
      }
    }
  }, 180_000);
});
