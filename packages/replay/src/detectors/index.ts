/** The detector registry: one module per anomaly kind (order = report order on one event). */
import { countDiscontinuity } from './count-discontinuity.js';
import { deviceRefcountRule } from './device-refcount-rule.js';
import { doubleFree } from './double-free.js';
import { freeWithReferences } from './free-with-references.js';
import { frozenPageTouched } from './frozen-page-touched.js';
import { liveAtEnd } from './live-at-end.js';
import { longTermPin } from './long-term-pin.js';
import { mapcountExceedsRefcount } from './mapcount-exceeds-refcount.js';
import { migrationBlocked } from './migration-blocked.js';
import { orphanedReference } from './orphaned-reference.js';
import { pinUnderflow } from './pin-underflow.js';
import { refOnFreePage } from './ref-on-free-page.js';
import { refcountUnderflow } from './refcount-underflow.js';
import type { Detector } from './types.js';

export const DETECTORS: readonly Detector[] = [
  refcountUnderflow,
  refOnFreePage,
  freeWithReferences,
  doubleFree,
  deviceRefcountRule,
  pinUnderflow,
  mapcountExceedsRefcount,
  frozenPageTouched,
  migrationBlocked,
  countDiscontinuity,
  orphanedReference,
  longTermPin,
  liveAtEnd,
];

export type { Detector, DetectorContext, Finding, At } from './types.js';
