// The proxy's observer hook: what went through it, for a recorder (e.g. a HAR writer). Every callback is
// optional and called synchronously after the fact; a throwing observer is logged and never breaks traffic.
// Bodies and frames are the bytes the client sent and got (responses after the proxy's stream.url rewrite).
// Secrets are NOT masked here: a recorder must mask what it writes. The proxy does not carry webhooks (they go
// from the API to your endpoint, not through it), so there is no webhook callback.

export interface ObservedHttpExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: Buffer };
  response: { status: number; headers: Record<string, string>; body: Buffer };
  /** Epoch ms when the request arrived. */
  startedAt: number;
  durationMs: number;
}

export interface ObservedWebSocketOpen {
  /** Connection number, the same on every event of one stream connection. */
  connection: number;
  /** The upstream URL (with its query, token included). */
  url: string;
  /** The client's handshake request headers. */
  headers: Record<string, string>;
}

export interface ObservedWebSocketMessage {
  connection: number;
  /** `send`: client → server; `receive`: server → client (HAR's `_webSocketMessages` convention). */
  direction: 'send' | 'receive';
  /** 1 text, 2 binary. */
  opcode: 1 | 2;
  data: Buffer;
  /** Epoch seconds with fractions (HAR's `time`). */
  time: number;
}

export interface ObservedWebSocketClose {
  connection: number;
  code: number;
  reason: string;
}

export interface ProxyObserver {
  onHttpExchange?(e: ObservedHttpExchange): void;
  onWebSocketOpen?(e: ObservedWebSocketOpen): void;
  onWebSocketMessage?(e: ObservedWebSocketMessage): void;
  onWebSocketClose?(e: ObservedWebSocketClose): void;
}

/** Calls `observer[name](event)` if present; an exception is logged, not thrown. */
export function notify<K extends keyof ProxyObserver>(observer: ProxyObserver | undefined, name: K, event: Parameters<NonNullable<ProxyObserver[K]>>[0], log: (l: string) => void): void {
  const fn = observer?.[name] as ((e: unknown) => void) | undefined;
  if (!fn) return;
  try {
    fn.call(observer, event);
  } catch (e) {
    log(`! observer ${name} threw: ${(e as Error).message}`);
  }
}

export function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
