import { ConfigError, loadRunConfig } from '../../src/config/runConfig.ts';

/** The ConfigError loading this run config throws; fails the test when it loads, or throws something else. */
export function configErrorOf(file: string): ConfigError {
  try {
    loadRunConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}
