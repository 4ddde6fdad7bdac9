/**
 * A background loop: poll() runs, then again pollMs after it finished, until stop(). Work that a
 * poll starts but does not await is tracked, so stop() can wait for it: a graceful shutdown
 * never cuts a job or a webhook attempt off half-recorded.
 */
export interface Poller {
  start(): void;
  /** Stops polling and waits for the current poll and all tracked work. */
  stop(): Promise<void>;
  readonly stopped: boolean;
  /** Work started by a poll, still running. */
  readonly inFlight: number;
  track(work: Promise<void>): void;
}

export function createPoller(poll: () => Promise<void>, pollMs: number): Poller {
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let stopped = true;

  function loop(): void {
    polling = poll().finally(() => {
      polling = null;
      if (!stopped) timer = setTimeout(loop, pollMs);
    });
  }

  return {
    get stopped() {
      return stopped;
    },
    get inFlight() {
      return running.size;
    },
    track(work) {
      const tracked = work.finally(() => running.delete(tracked));
      running.add(tracked);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
      await Promise.allSettled([...running]);
    },
  };
}
