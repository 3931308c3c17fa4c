// Types for scripts/ensure-promtool.mjs (plain JS so it runs without a build step; the tests import it).
export declare const defaultPromtoolPath: string;
export declare function ensurePromtool(options?: { env?: NodeJS.ProcessEnv; install?: boolean }): string;
