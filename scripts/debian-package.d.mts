// Types for scripts/debian-package.mjs (plain JS so it runs without a build step).
export declare function executable(path: string): boolean;
export declare function installDebianPackage(request: { tool: string; pkg: string; missing: string; advice: string; install?: boolean }): void;
export declare function runAsScript(moduleUrl: string, ensure: () => string): void;
export declare function ensureExecutable(request: { tool: string; name: string; envVar: string; path: string; pkg: string; advice: string; env?: NodeJS.ProcessEnv; install?: boolean }): string;
