import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePostgres } from '../../scripts/ensure-postgres.mjs';
import { postgresSetupTimeoutMs } from '../helpers/postgres.ts';

describe('ensure-postgres', () => {
  it('finds the PostgreSQL server binaries (installing them on a fresh Debian machine)', () => {
    const bin = ensurePostgres();
    for (const tool of ['initdb', 'pg_ctl', 'postgres']) expect(() => accessSync(join(bin, tool), constants.X_OK)).not.toThrow();
  }, postgresSetupTimeoutMs);

  it('says what to do when the directory it was pointed at holds no server', () => {
    expect(() => ensurePostgres({ env: { POSTGRES_BIN_DIR: '/nonexistent/pg/bin' } })).toThrow(/POSTGRES_BIN_DIR=\/nonexistent\/pg\/bin holds no initdb; fix or unset it/);
  });
});
