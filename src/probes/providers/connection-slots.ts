/**
 * A Worker invocation holds at most six outbound connections at once; a seventh waits, and an
 * unread body keeps its slot. Probes share one pool of slots so that each call's timeout starts
 * when it really goes out, not while it queues behind a provider that hangs.
 */
export class ConnectionSlots {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await work();
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}

export const WORKER_CONNECTION_LIMIT = 6;
