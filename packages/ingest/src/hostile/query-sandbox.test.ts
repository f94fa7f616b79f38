/**
 * `pagetrace query` without --allow-write touches no file: not outside the run directory
 * (reads, writes, extensions, remote URLs) and not inside it either (a COPY over
 * events.arrow would break the run non-atomically). The configuration cannot be unlocked
 * from SQL. With --allow-write the same COPY works (the lock is real, not a broken COPY).
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FILES } from '../schema.js';
import { errorProblems, runCli } from './cli-run.js';
import { EXIT, guestHead } from './corpus.js';

describe('query sandbox (through the CLI)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pagetrace-sandbox-'));
  const run = join(work, 'run');
  writeFileSync(join(work, 'trace.txt'), `${guestHead(40).join('\n')}\n`);

  it('ingests the run used below', () => {
    expect(runCli(['ingest', join(work, 'trace.txt'), '-o', run]).code).toBe(EXIT.ok);
  });

  const outside = join(work, 'leak.csv');
  const attempts: Array<[string, string]> = [
    ['COPY TO outside', `COPY events TO '${outside}'`],
    ['COPY TO over a table of the run', `COPY (SELECT 42 AS x) TO '${join(run, RUN_FILES.events)}' (FORMAT csv)`],
    ['COPY TO a new file in the run', `COPY events TO '${join(run, 'x.csv')}'`],
    ['read_csv /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_text /etc/passwd', "SELECT * FROM read_text('/etc/passwd')"],
    ['path escaping the run', `SELECT * FROM read_text('${run}/../trace.txt')`],
    ['glob', "SELECT * FROM glob('/etc/*')"],
    ['ATTACH', `ATTACH '${join(work, 'x.duckdb')}' AS x`],
    ['INSTALL', 'INSTALL httpfs'],
    ['LOAD', 'LOAD httpfs'],
    ['remote URL', "SELECT * FROM read_csv('https://example.com/x.csv')"],
    ['unlock external access', 'SET enable_external_access = true'],
    ['unlock the configuration', 'SET lock_configuration = false'],
    ['widen allowed_directories', "SET allowed_directories = ['/']"],
    ['two statements, the unlock first', `SET enable_external_access = true; COPY events TO '${outside}'`],
  ];
  for (const [what, sql] of attempts) {
    it(`refuses: ${what}`, () => {
      const eventsBefore = readFileSync(join(run, RUN_FILES.events));
      const r = runCli(['query', run, sql]);
      expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: '', message: /query failed: .*(disabled|locked|Permission)/ })).toEqual([]);
      expect(r.stdout).toBe('');
      expect(existsSync(outside)).toBe(false);
      expect(existsSync(join(run, 'x.csv'))).toBe(false);
      expect(existsSync(join(work, 'x.duckdb'))).toBe(false);
      expect(readFileSync(join(run, RUN_FILES.events)).equals(eventsBefore)).toBe(true);
    });
  }

  it('the run still answers after every attempt', () => {
    const r = runCli(['query', run, '--csv', 'SELECT count(*) AS n FROM events']);
    expect(r.stdout).toBe('n\n40\n');
  });

  it('--allow-write lets the same COPY through', () => {
    const r = runCli(['query', run, '--allow-write', `COPY events TO '${outside}'`]);
    expect(r.code).toBe(EXIT.ok);
    expect(existsSync(outside)).toBe(true);
    rmSync(work, { recursive: true, force: true });
  });
});
