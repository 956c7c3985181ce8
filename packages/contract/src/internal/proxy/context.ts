// What every part of the proxy shares: the contract, the upstreams, the limits, the tally, the observer.
import type { Contract } from '../contract.js';
import type { Waiver } from '../errors.js';
import type { ProxyObserver } from './observer.js';
import type { Tally } from './violations.js';

export interface ProxyContext {
  contract: Contract;
  /** REST upstream origin (and path prefix), without a trailing slash. */
  upstreamBase: string;
  streamUpstream?: URL;
  /** The proxy's own origin, known once it listens. */
  selfOrigin: string;
  maxRequestBytes: number;
  maxResponseBytes: number;
  bodyTimeoutMs: number;
  timeoutMs: number;
  maxPendingFrames: number;
  failOnViolation: boolean;
  strict: boolean;
  waivers: Waiver[];
  tally: Tally;
  observer?: ProxyObserver;
  log(line: string): void;
}
