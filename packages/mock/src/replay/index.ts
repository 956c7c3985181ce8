// Replay of recorded cassettes, with no transport: REST answers in recorded order, stream frames on recorded
// timing, webhooks re-signed, strict-mode differences, and a cassette as a sandbox scenario.
export { loadCassette, CassetteError, DEFAULT_MAX_CASSETTE_BYTES } from './cassette.js';
export type { Cassette, LoadCassetteOptions, RecordedHttp, RecordedSocket, RecordedFrame, RecordedWebhook, Anchor } from './cassette.js';
export { loadCassetteFile } from './file.js';
export { createRestReplayer } from './rest.js';
export type { RestReplayer, RestReplayOptions, ReplayRequest, ReplayResponse, QueryInput } from './rest.js';
export { createStreamReplayer } from './stream.js';
export type { StreamReplayer, StreamReplayOptions, StreamConnection, StreamRefusal, StreamPort, ReplayScheduler } from './stream.js';
export { resignWebhook } from './webhooks.js';
export type { ReplayedDelivery, ResignOptions } from './webhooks.js';
export { rewriteStreamUrls } from './rewrite.js';
export { scenarioFromCassette } from './seed.js';
export type { SeedOptions } from './seed.js';
export { StrictLog } from './strict.js';
export type { Difference, DifferenceKind } from './strict.js';
