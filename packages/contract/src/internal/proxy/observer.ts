// The proxy's observer hook: what went through it, for a recorder (e.g. a HAR writer). Every callback is
// optional and called synchronously after the fact; a throwing observer is logged and never breaks traffic.
// Bodies and frames are the bytes the client sent and got (responses after the proxy's stream.url rewrite).
// Secrets are NOT masked here: a recorder must mask what it writes. Webhooks go through the proxy only when it
// relays them (`webhookUrl`: the upstream posts to the proxy's /_kallglot/webhooks, see webhook.ts).

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

export interface ObservedWebhook {
  /** Where the proxy forwarded the delivery. */
  url: string;
  /** The delivery's headers as the upstream sent them (signature included). */
  headers: Record<string, string>;
  body: Buffer;
  /** The receiver's status (0 when it did not answer). */
  status: number;
  /** Epoch ms when the delivery arrived. */
  time: number;
}

export interface ProxyObserver {
  onHttpExchange?(e: ObservedHttpExchange): void;
  onWebSocketOpen?(e: ObservedWebSocketOpen): void;
  onWebSocketMessage?(e: ObservedWebSocketMessage): void;
  onWebSocketClose?(e: ObservedWebSocketClose): void;
  onWebhook?(e: ObservedWebhook): void;
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
