// Measures the executor's gas per cycle shape on a devnet with the V4 scenario (the default market plus Uniswap V4
// pools: V2/V3 shapes and shapes with V4 hops; src/devnet/gasCalibration.ts) and writes
// src/strategy/gasCalibration.json, which the strategy's pre-simulation gas estimate reads. Re-run it after any
// change to Executor.sol or the plan encoding (test/unit/gas-calibration.test.ts and
// test/integration/gas-calibration.test.ts fail until then):
//   node scripts/build.mjs --quiet && npx tsx scripts/calibrate-gas.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDevnet } from '../src/devnet/devnet.ts';
import { measureGasCalibration } from '../src/devnet/gasCalibration.ts';
import { loadScenario } from '../src/devnet/scenario/load.ts';
import { createLogger } from '../src/log.ts';

const target = fileURLToPath(new URL('../src/strategy/gasCalibration.json', import.meta.url));
const scenario = loadScenario(fileURLToPath(new URL('../scenarios/v4.json', import.meta.url)));
const devnet = await startDevnet({ scenario: { ...scenario, privateFlow: null }, port: 0, blockTime: 0, traffic: false, logger: createLogger('calibrate-gas') });
try {
  const calibration = await measureGasCalibration(devnet);
  writeFileSync(target, `${JSON.stringify(calibration, null, 2)}\n`);
  for (const [shape, gas] of Object.entries(calibration.shapes)) process.stdout.write(`${shape.padEnd(8)} inventory ${gas.inventory}  flash ${gas.flash}\n`);
  for (const [shape, variants] of Object.entries(calibration.v4Variants ?? {})) {
    for (const [variant, gas] of Object.entries(variants)) process.stdout.write(`  ${shape.padEnd(8)} ${variant.padEnd(6)} inventory ${gas.inventory}  flash ${gas.flash}\n`);
  }
  process.stdout.write(`calibrate-gas: wrote ${target}\n`);
} finally {
  await devnet.stop();
}
