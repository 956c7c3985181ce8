// A small typed-enough event emitter (on/off/once/emit) with no Node built-in, so the registry can run in browsers.
type Listener = (...args: any[]) => void;

export class Emitter {
  private listeners = new Map<string, Listener[]>();
  /** Kept for EventEmitter compatibility; listeners are registered by code, not by clients. */
  setMaxListeners(_n: number): this {
    return this;
  }

  on(event: string, fn: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return this;
  }

  once(event: string, fn: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      fn(...args);
    };
    return this.on(event, wrapped);
  }

  off(event: string, fn: Listener): this {
    const list = this.listeners.get(event);
    if (list) {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const list = this.listeners.get(event);
    if (!list?.length) return false;
    for (const fn of [...list]) fn(...args);
    return true;
  }
}
