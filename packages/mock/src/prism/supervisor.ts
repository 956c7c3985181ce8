// The supervised Prism child: started, health-probed, killed when silent, restarted with backoff when it dies
// (a crash loop doubles the wait); the REST mock answers 503 envelopes meanwhile.
import { forwardToPrism, probeState, startPrism, type ForwardOptions, type ForwardRequest, type PrismProcess, type StartPrismOptions, type UpstreamResponse } from './child.js';

export type PrismState = 'starting' | 'up' | 'unresponsive' | 'down';

export interface PrismHealth {
  state: PrismState;
  pid?: number;
  restarts: number;
  /** How the last Prism ended (`SIGKILL`, `exit 1`, `unresponsive`), if one did. */
  lastExit?: string;
}

export interface SupervisorOptions extends StartPrismOptions {
  /** Probe Prism this often. Default 2000 ms; 0 disables probing. */
  healthIntervalMs?: number;
  /** A probe slower than this fails. Default 1000 ms. */
  healthTimeoutMs?: number;
  /** Consecutive failed probes after which a live but silent Prism is killed and restarted. Default 3. */
  unresponsiveAfter?: number;
  /** Restart Prism when it dies (with backoff 0.5 s … 10 s). Default true. */
  restart?: boolean;
  log?: (line: string) => void;
}

export interface PrismSupervisor {
  /** The running Prism (the latest one after restarts). */
  readonly prism: PrismProcess;
  readonly restarts: number;
  health(): PrismHealth;
  forward(r: ForwardRequest, opts?: ForwardOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

class Supervisor implements PrismSupervisor {
  restarts = 0;
  private state: PrismState = 'up';
  private lastExit: string | undefined;
  private closing = false;
  private failures = 0;
  private probing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly healthTimer: NodeJS.Timeout | undefined;
  // A Prism that dies soon after starting is crash-looping: each such death doubles the wait before the next start.
  private upSince = Date.now();
  private loopDelay = 0;

  constructor(
    private current: PrismProcess,
    private readonly opts: SupervisorOptions,
    private readonly log: (line: string) => void,
  ) {
    this.watch(current);
    const interval = opts.healthIntervalMs ?? 2000;
    this.healthTimer = interval > 0 ? setInterval(() => void this.tick(), interval) : undefined;
    this.healthTimer?.unref();
  }

  get prism(): PrismProcess {
    return this.current;
  }

  private watch(p: PrismProcess) {
    p.child.once('exit', (code, signal) => this.onExit(p, code, signal));
  }

  private onExit(p: PrismProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (this.closing || p !== this.current) return;
    this.lastExit ??= signal ?? `exit ${code}`;
    this.state = 'down';
    if (this.opts.restart === false) return this.log(`Prism exited (${this.lastExit})`);
    this.loopDelay = Date.now() - this.upSince < 10_000 ? Math.min(Math.max(this.loopDelay * 2, 500), 10_000) : 0;
    this.log(`Prism exited (${this.lastExit}); restarting${this.loopDelay ? ` in ${this.loopDelay} ms` : ''}`);
    this.restarts++;
    if (this.loopDelay) (this.retryTimer = setTimeout(() => this.retry(500), this.loopDelay)).unref();
    else this.retry(500);
  }

  private retry(delay: number) {
    this.state = 'starting';
    startPrism(this.opts).then(
      (np) => {
        if (this.closing) return void np.close();
        this.current = np;
        this.upSince = Date.now();
        this.state = 'up';
        this.failures = 0;
        this.lastExit = undefined;
        this.watch(np);
      },
      (e: Error) => {
        this.state = 'down';
        this.log(`Prism restart failed: ${e.message.split('\n')[0]}`);
        if (!this.closing) (this.retryTimer = setTimeout(() => this.retry(Math.min(delay * 2, 10_000)), delay)).unref();
      },
    );
  }

  private async tick() {
    if (this.closing || this.probing || this.state === 'starting') return;
    this.probing = true;
    const p = this.current;
    const seen = await probeState(p.host, p.port, this.opts.healthTimeoutMs ?? 1000);
    this.probing = false;
    if (this.closing || p !== this.current || p.child.exitCode !== null || p.child.signalCode !== null) return;
    if (seen === 'up') {
      this.failures = 0;
      this.state = 'up';
      return;
    }
    this.failures++;
    // Refused: nothing listens any more (usually a death whose exit event is still on its way).
    this.state = seen === 'refused' ? 'down' : 'unresponsive';
    if (this.failures >= (this.opts.unresponsiveAfter ?? 3)) {
      this.log(`Prism failed ${this.failures} health probes; killing it`);
      this.lastExit = 'unresponsive';
      p.child.kill('SIGKILL');
    }
  }

  health(): PrismHealth {
    const child = this.current.child;
    // An exit seen by the OS but not yet by our 'exit' handler still counts as down.
    const dead = child.exitCode !== null || child.signalCode !== null;
    return { state: dead && this.state === 'up' ? 'down' : this.state, pid: dead ? undefined : child.pid, restarts: this.restarts, ...(this.lastExit ? { lastExit: this.lastExit } : {}) };
  }

  forward(r: ForwardRequest, fo?: ForwardOptions): Promise<UpstreamResponse> {
    return forwardToPrism(this.current, r, fo);
  }

  async close() {
    this.closing = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.current.close();
  }
}

/** Start Prism and keep it alive. Resolves once the first Prism answers (or rejects after startTimeoutMs). */
export async function supervisePrism(opts: SupervisorOptions): Promise<PrismSupervisor> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`[kallglot-mock prism] ${l}\n`));
  return new Supervisor(await startPrism(opts), opts, log);
}
