/**
 * Injected faults: the next `times` requests to a provider (optionally only one method and a
 * path matching a regular expression) get an error status or hang instead of the real answer.
 */
export type Fault =
  | {
      provider: string;
      method?: string;
      path?: string;
      times?: number;
      kind: "status";
      status: number;
      headers?: Record<string, string>;
      body?: unknown;
    }
  | { provider: string; method?: string; path?: string; times?: number; kind: "hang" };

interface ArmedFault {
  fault: Fault;
  remaining: number;
  path?: RegExp;
}

export class FaultBook {
  #armed: ArmedFault[] = [];

  add(fault: Fault): void {
    this.#armed.push({
      fault,
      remaining: fault.times ?? 1,
      path: fault.path ? new RegExp(fault.path) : undefined,
    });
  }

  take(provider: string, method: string, path: string): Fault | undefined {
    const armed = this.#armed.find(
      (a) =>
        a.remaining > 0 &&
        a.fault.provider === provider &&
        (!a.fault.method || a.fault.method.toUpperCase() === method.toUpperCase()) &&
        (!a.path || a.path.test(path)),
    );
    if (!armed) return undefined;
    armed.remaining -= 1;
    return armed.fault;
  }

  clear(): void {
    this.#armed = [];
  }
}
