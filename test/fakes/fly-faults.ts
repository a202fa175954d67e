/**
 * Faults that let the first `skip` matching requests through. The world's fault book hits the
 * first match, but a fix reads the same machine more than once (the lookup, then again under its
 * lease), so "fail the second GET" needs a count. `POST /__control/fly/fault-after`.
 */
import type { FakeRequest, FakeResponse } from "./world.ts";

export type SkippingFault = {
  skip: number;
  method?: string;
  path: string;
  times?: number;
} & ({ kind: "status"; status: number; headers?: Record<string, string>; body?: unknown } | { kind: "hang" });

interface Armed {
  fault: SkippingFault;
  path: RegExp;
  skip: number;
  remaining: number;
}

export class SkippingFaultBook {
  #armed: Armed[] = [];

  add(fault: SkippingFault): void {
    this.#armed.push({ fault, path: new RegExp(fault.path), skip: fault.skip, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.#armed = [];
  }

  take(request: FakeRequest): Promise<FakeResponse> | FakeResponse | undefined {
    const armed = this.#armed.find(
      (a) =>
        a.remaining > 0 &&
        (!a.fault.method || a.fault.method.toUpperCase() === request.method) &&
        a.path.test(request.path),
    );
    if (!armed) return undefined;
    if (armed.skip > 0) {
      armed.skip -= 1;
      return undefined;
    }
    armed.remaining -= 1;
    const fault = armed.fault;
    if (fault.kind === "status") {
      return {
        status: fault.status,
        headers: fault.headers,
        body: fault.body ?? { error: `injected fault ${fault.status}` },
        injected: true,
      };
    }
    // Held until the client gives up; the world sends nothing once the request is aborted.
    return new Promise((resolve) =>
      request.signal.addEventListener("abort", () => resolve({ status: 499, body: {}, injected: true }), {
        once: true,
      }),
    );
  }
}
