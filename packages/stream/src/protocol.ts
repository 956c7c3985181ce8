// @kallglot/stream/protocol — the wire protocol with no socket and no client: the decoder a server (or the
// stream mock) reads client frames with, the generated message types and validators. Browser-safe.
export { decodeClientFrame, type DecodedClientFrame, type ClientFrameErrorCode } from './inbound.js';
export * from './generated/messages.js';
export * from './generated/validators.js';
