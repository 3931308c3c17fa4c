import { visible } from '../terminalText.ts';
import type { Check } from './check.ts';

/** The human checklist: one ✓/✗ line per check, the fix indented under each failure, a verdict last. Pure. */
export function formatChecklist(checks: readonly Check[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    // Details quote builders' and nodes' answers: their control characters are shown, never obeyed.
    lines.push(`${check.ok ? '✓' : '✗'} ${visible(check.name)}: ${visible(check.detail)}`);
    if (!check.ok) lines.push(`    fix: ${visible(check.fix)}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  lines.push('');
  lines.push(failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed: fix them before real money`);
  return `${lines.join('\n')}\n`;
}
