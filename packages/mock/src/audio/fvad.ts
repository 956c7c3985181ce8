// The WebRTC voice-activity detector (libfvad as WASM, embedded by scripts/embed-vad.mjs), loaded once per process
// with WebAssembly.instantiate, so Node and browsers (the MSW handlers) run the same detector. One instance per
// stream; each owns a few hundred bytes of WASM heap and must be disposed when its stream ends.
import { FVAD_NAMES, FVAD_WASM_BASE64 } from '../generated/fvad-wasm.js';
import { base64ToBytes } from '../engine/audio.js';

/** Samples per 20 ms frame at 8 kHz: the frame size the detector is fed. */
export const VAD_FRAME_SAMPLES = 160;

interface FvadExports {
  memory: WebAssembly.Memory;
  fvad_new(): number;
  fvad_free(h: number): void;
  fvad_set_mode(h: number, mode: number): number;
  fvad_set_sample_rate(h: number, rate: number): number;
  fvad_process(h: number, frame: number, length: number): number;
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** One detector: classify 20 ms frames of 8 kHz 16-bit PCM as voiced or not. */
export interface FrameClassifier {
  isVoiced(frame: Int16Array): boolean;
  dispose(): void;
}

let loading: Promise<FvadExports> | undefined;
let loaded: FvadExports | undefined;
let live = 0;

async function instantiate(): Promise<FvadExports> {
  const names = FVAD_NAMES;
  let memory: WebAssembly.Memory | undefined;
  const imports = {
    [names.module]: {
      [names.assertFail]: () => { throw new Error('fvad: assertion failed'); },
      // Grow the heap by whole 64 KiB pages; answers 1 on success as Emscripten expects.
      [names.resizeHeap]: (requested: number) => {
        const grow = Math.ceil(((requested >>> 0) - memory!.buffer.byteLength) / 65536);
        try { memory!.grow(Math.max(grow, 1)); return 1; } catch { return 0; }
      },
    },
  };
  const module = await WebAssembly.compile(base64ToBytes(FVAD_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, imports);
  const raw = instance.exports as Record<string, unknown>;
  memory = raw[names.memory] as WebAssembly.Memory;
  (raw[names.ctors] as () => void)();
  const fns = Object.fromEntries(Object.entries(names.exports).map(([k, v]) => [k, raw[v]]));
  return { memory, ...fns } as unknown as FvadExports;
}

/** Loads the detector once; call (and await) before the first `createFrameClassifier`. */
export function loadVad(): Promise<void> {
  loading ??= instantiate().then((e) => { loaded = e; return e; });
  return loading.then(() => undefined);
}

/** Bytes of WASM heap the detectors use (for tests and the bench: it must not grow with streams opened and closed). */
export function vadHeapBytes(): number {
  return loaded?.memory.buffer.byteLength ?? 0;
}

/** Detectors created and not yet disposed (a connection that ended without disposing its detector shows here). */
export function liveDetectors(): number {
  return live;
}

/** True once `loadVad()` has finished. */
export function vadLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * A new detector in mode 3 (the least likely to call noise speech) at 8 kHz. Throws if `loadVad()` has not
 * finished, so a caller never silently runs without voice activity detection.
 */
export function createFrameClassifier(): FrameClassifier {
  const m = loaded;
  if (!m) throw new Error('voice activity detector not loaded: await loadVad() first');
  const handle = m.fvad_new();
  if (!handle) throw new Error('voice activity detector: out of memory');
  m.fvad_set_mode(handle, 3);
  m.fvad_set_sample_rate(handle, 8000);
  const buf = m.malloc(VAD_FRAME_SAMPLES * 2);
  let open = true;
  live++;
  return {
    isVoiced(frame) {
      if (!open) return false;
      new Int16Array(m.memory.buffer, buf, VAD_FRAME_SAMPLES).set(frame.subarray(0, VAD_FRAME_SAMPLES));
      return m.fvad_process(handle, buf, VAD_FRAME_SAMPLES) === 1;
    },
    dispose() {
      if (!open) return;
      open = false;
      live--;
      m.free(buf);
      m.fvad_free(handle);
    },
  };
}
