// Types for scripts/ensure-chromium.mjs (plain JS so it runs without a build step; the tests import it).
export declare const defaultChromiumPath: string;
export declare function ensureChromium(options?: { env?: NodeJS.ProcessEnv; install?: boolean }): string;
