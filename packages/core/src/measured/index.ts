export type {
  AgentProfile,
  DelegateProfile,
  ExpectationSource,
  ProfileDimension,
  ProfileEntryUsed,
  ProfileEstimate,
  ProfileEvidence,
  ProfileMetrics,
  ProfileSlice,
} from './delegate-profile.js';
export {
  delegateProfileSchema,
  intentClusterMethod,
  intentClusterOf,
  parseDelegateProfile,
  profileDimensions,
  profileMetricsSchema,
} from './delegate-profile.js';
export type { ExpectedQualityInput, ExpectedQualityResult } from './expected-quality.js';
export { expectedQuality, uninformedQuality } from './expected-quality.js';
export { measuredAssess } from './measured-assess.js';
export type { MeasuredSelector, MeasuredSelectorOptions, MeasuredWeights } from './measured-selector.js';
export { defaultPriorStrength, measuredSelector } from './measured-selector.js';
export type { ExpectedMetric, ObservedSlice, QualityCell } from './profile-index.js';
export { ProfileIndex } from './profile-index.js';
export type { RequestDescriber, RequestDescription, SliceProbability } from './request-describer.js';
export { classifierDescriber } from './request-describer.js';
export type { RouteMeasuredOptions } from './route-measured.js';
export { routeMeasured } from './route-measured.js';
export type { UniformSource } from './sample-beta.js';
export { sampleBeta } from './sample-beta.js';
