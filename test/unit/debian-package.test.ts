import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executable, installDebianPackage } from '../../scripts/debian-package.mjs';
import { ensurePromtool } from '../../scripts/ensure-promtool.mjs';
import { ensureChromium } from '../../scripts/ensure-chromium.mjs';

const plainFile = join(mkdtempSync(join(tmpdir(), 'debian-package-')), 'not-a-tool');
writeFileSync(plainFile, 'data\n', { mode: 0o644 });

describe('scripts/debian-package.mjs: the ensure-* scripts find a tool or say what to do', () => {
  it('tells an executable file from a missing or non-executable one', () => {
    expect(executable(process.execPath)).toBe(true);
    expect(executable('/nonexistent/tool')).toBe(false);
    expect(executable(plainFile)).toBe(false);
  });

  it('refuses to install when not allowed, naming the tool, what is missing and what to do', () => {
    expect(() =>
      installDebianPackage({ tool: 'ensure-x', pkg: 'x', missing: 'no x at /usr/bin/x', advice: 'install x', install: false }),
    ).toThrow('ensure-x: no x at /usr/bin/x and cannot install it (installing was not allowed); install x');
  });

  it('a tool path set in the environment that is not executable is an error naming the variable', () => {
    expect(() => ensurePromtool({ env: { PROMTOOL_PATH: '/nonexistent/promtool' } })).toThrow(/PROMTOOL_PATH=\/nonexistent\/promtool is not an executable file/);
    expect(() => ensureChromium({ env: { CHROMIUM_PATH: plainFile } })).toThrow(`CHROMIUM_PATH=${plainFile} is not an executable file`);
  });
});
