/**
 * Shared steps of the detector tests: mutate a real trace, replay it, and look for the
 * finding a detector must (or must not) report.
 */
import { haveSharedTraces, sharedTracesDir } from '@pagetrace/ingest/testing';
import { join } from 'node:path';
import type { Anomaly } from '../types.js';
import { Mutator, type Mutation } from './mutate.js';
import { replayText, type ReplayedRun } from './run.js';

export const guestTrace = (name: string): string => join(sharedTracesDir(), 'guest', name, 'trace.txt.zst');
export const hostTrace = (name: string): string => join(sharedTracesDir(), 'host', `${name}.txt.zst`);
export const haveTraces = (): boolean => haveSharedTraces();

export interface MutatedRun { mutation: Mutation; run: ReplayedRun }

/** Apply `mutate` to a real trace and replay the result (sidecars of the original kept). */
export async function mutatedRun(tracePath: string, mutate: (m: Mutator) => Mutation | null): Promise<MutatedRun> {
  const mutation = mutate(Mutator.fromFile(tracePath));
  if (mutation === null) throw new Error(`no page of ${tracePath} suits this mutation`);
  return { mutation, run: await replayText(mutation.text, tracePath) };
}

export function findingsOf(r: ReplayedRun, kind: string): Anomaly[] {
  return r.anomalies.filter((a) => a.kind === kind);
}

/** The anomaly of `kind` at the mutation's pfn and line, or undefined. */
export function findingAt(m: MutatedRun, kind: string): Anomaly | undefined {
  return m.run.anomalies.find((a) => a.kind === kind && a.pfn === BigInt(m.mutation.pfn) && a.line === BigInt(m.mutation.line));
}

export function onPfn(m: MutatedRun, kind: string): Anomaly[] {
  return m.run.anomalies.filter((a) => a.kind === kind && a.pfn === BigInt(m.mutation.pfn));
}
