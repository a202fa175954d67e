import type { ConnectionSlots } from "./connection-slots";

/**
 * The fetch every probe uses: one shared pool of connection slots, a timeout per call that
 * starts when the call gets its slot, and the body read in full before the slot is given back,
 * so no probe can hold a connection with a body nobody reads.
 */
export function createProbeFetch(options: {
  slots: ConnectionSlots;
  timeoutMs: number;
  fetch?: typeof fetch;
}): typeof fetch {
  const send = options.fetch ?? fetch;
  return (input, init) =>
    options.slots.run(async () => {
      const controller = new AbortController();
      // A DOMException named TimeoutError, as AbortSignal.timeout throws, so every client
      // (ours and the Fly client) classifies it as a timeout.
      const timeout = new DOMException(`no answer within ${options.timeoutMs} ms`, "TimeoutError");
      const timer = setTimeout(() => controller.abort(timeout), options.timeoutMs);
      const outer = init?.signal;
      if (outer?.aborted) controller.abort(outer.reason);
      outer?.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
      try {
        const response = await send(input, { ...init, signal: controller.signal });
        const body = await response.arrayBuffer();
        const nullBody = NULL_BODY_STATUSES.has(response.status);
        return new Response(nullBody ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } catch (error) {
        if (controller.signal.aborted) throw controller.signal.reason as Error;
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
