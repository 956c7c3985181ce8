// Audio helpers with no dependency on the socket: `@kallglot/stream/audio`.
export { encodeMulaw, decodeMulaw } from './mulaw.js';
export { resample, resampleTo8k, type ResampleOptions } from './resample.js';
export { chunkFrames, frameSize, FrameChunker, type FrameOptions } from './frames.js';
export { readWav, writeWav, wavToMulaw8k, type WavAudio } from './wav.js';
export { bytesToBase64, base64ToBytes, base64DecodedLength } from '../internal/base64.js';
export { decodeMulawBase64, decodeMulawBase64Into, encodeMulawBase64 } from './wire.js';
