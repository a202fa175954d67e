/**
 * Fake Fly Machines API (`/v1/apps/{app}/machines…`), shapes from docs/provider-apis.md §1: machines
 * with events (newest first) and checks, start/stop/restart that pass through transient states
 * over time, checks that stay `critical` for `checks_delay_ms` after a start, `wait` that blocks
 * and answers 408, leases (409 when held by someone else), faults that skip the first N matches
 * (fly-faults.ts), and Fly's error bodies.
 *
 * Incident modes, each a control command (`POST /__control/fly/<command>`, `world.fly.*`):
 * - `hang` — a started machine whose checks turn critical (Fly never restarts it for that); after
 *   a restart its checks read `after_restart` (default passing) once `delay_ms` has passed;
 * - `host` — `host_status` `unreachable` (config moves to `incomplete_config`, as Fly reports it);
 *   a restart brings the host back only when `recovers_on_restart` is true;
 * - `crash-loop` — every time the machine reaches `started` it exits again with `exit_code`
 *   (default 1) `after_ms` later (default 50);
 * - `flapping` — with `every_listing`, the machine flips between crashed and started before each
 *   list call answers; `flip` flips it once, on command;
 * - `fleet` — `count` machines in one app at once (ids `<id_prefix>0000`, `…0001`, …).
 */
import type { FakeRequest, FakeResponse, ProviderFake, RecordedRequest } from "./world.ts";
import { SkippingFaultBook, type SkippingFault } from "./fly-faults.ts";

export interface FakeMachineCheck {
  name: string;
  status: "passing" | "warning" | "critical";
  output: string;
  updated_at: string;
}

export interface FakeMachineEvent {
  id: string;
  type: string;
  status: string;
  source: string;
  timestamp: number;
  request?: unknown;
}

export interface FakeMachine {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  checks: FakeMachineCheck[];
  events: FakeMachineEvent[];
  config: Record<string, unknown>;
  lease?: { nonce: string; owner: string; description: string; expires_at: number };
  /** How the next start or restart ends: `started` (default), `stopped` (falls back), or `stuck` in `starting`. */
  start_outcome: "started" | "stopped" | "stuck";
  /** How long a start or restart spends in its transient state. */
  transition_ms: number;
  /** Check status once started by a fix (default: passing). */
  checks_after_start: FakeMachineCheck["status"];
  /** Checks read `critical` for this long after the machine reaches `started`, as on Fly. */
  checks_delay_ms: number;
  /** `unreachable`: flyd on the machine's host does not answer flaps. */
  host_status: "ok" | "unreachable";
  /** Whether a restart brings an unreachable host back (a blip) or not (the host is gone). */
  host_recovers_on_restart: boolean;
  /** Crash-loop mode: exits with `exit_code` this long after each time it reaches `started`. */
  crash_loop?: { after_ms: number; exit_code: number };
  /** Flapping mode: flips between crashed and started before each list call answers. */
  flap_every_listing: boolean;
}

export type MachineSeed = Partial<FakeMachine> & { id: string; app: string };

const TOKEN = /^(bearer|flyv1)\s+\S+/i;

export class FlyFake implements ProviderFake {
  readonly name = "fly";
  apps = new Map<string, Map<string, FakeMachine>>();
  /** Tokens the fake accepts; empty means any non-empty token. */
  validTokens: string[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #skippingFaults = new SkippingFaultBook();
  #eventSeq = 0;

  reset(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.apps.clear();
    this.validTokens = [];
    this.#skippingFaults.clear();
  }

  isMutating(request: RecordedRequest): boolean {
    return request.method !== "GET" && !/\/lease$/.test(request.path);
  }

  control(command: string, body: unknown): unknown {
    const input = body as Record<string, unknown>;
    switch (command) {
      case "machines": {
        for (const seed of input.machines as MachineSeed[]) this.putMachine(seed);
        return { ok: true };
      }
      case "crash": {
        const machine = this.#find(String(input.id));
        if (!machine) throw new Error(`no machine ${String(input.id)}`);
        this.crash(machine, (input.exit_code as number | undefined) ?? 1, input.oom === true);
        return { ok: true };
      }
      case "hang": {
        const machine = this.#mustFind(input.id);
        this.#setChecks(machine, "critical");
        machine.checks_after_start = (input.after_restart as FakeMachineCheck["status"] | undefined) ?? "passing";
        machine.checks_delay_ms = (input.delay_ms as number | undefined) ?? machine.checks_delay_ms;
        return { ok: true };
      }
      case "host": {
        const machine = this.#mustFind(input.id);
        machine.host_status = input.status === "ok" ? "ok" : "unreachable";
        machine.host_recovers_on_restart = input.recovers_on_restart === true;
        return { ok: true };
      }
      case "crash-loop": {
        const machine = this.#mustFind(input.id);
        machine.crash_loop = {
          after_ms: (input.after_ms as number | undefined) ?? 50,
          exit_code: (input.exit_code as number | undefined) ?? 1,
        };
        if (machine.state === "started") this.#crashLater(machine);
        return { ok: true };
      }
      case "flapping": {
        this.#mustFind(input.id).flap_every_listing = input.every_listing !== false;
        return { ok: true };
      }
      case "flip": {
        const machine = this.#mustFind(input.id);
        this.#flip(machine);
        return { state: machine.state };
      }
      case "fleet": {
        const { app, count, id_prefix, ...seed } = input as MachineSeed & { count: number; id_prefix?: string };
        const prefix = id_prefix ?? "f1ee7";
        const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
        for (const id of ids) this.putMachine({ ...seed, app, id });
        return { ids };
      }
      case "autostop": {
        const machine = this.#find(String(input.id));
        if (!machine) throw new Error(`no machine ${String(input.id)}`);
        this.#stop(machine, true);
        return { ok: true };
      }
      case "lease": {
        const machine = this.#find(String(input.id));
        if (!machine) throw new Error(`no machine ${String(input.id)}`);
        machine.lease = {
          nonce: crypto.randomUUID(),
          owner: String(input.owner ?? "deploy@example.com"),
          description: "deploy",
          expires_at: Math.floor(Date.now() / 1000) + 300,
        };
        return { nonce: machine.lease.nonce };
      }
      case "fault-after": {
        this.#skippingFaults.add(input as unknown as SkippingFault);
        return { ok: true };
      }
      case "tokens": {
        this.validTokens = input.tokens as string[];
        return { ok: true };
      }
      case "state": {
        return [...this.apps].map(([app, machines]) => ({ app, machines: [...machines.values()] }));
      }
      default:
        throw new Error(`unknown fly control command "${command}"`);
    }
  }

  putMachine(seed: MachineSeed): FakeMachine {
    const { app, ...rest } = seed;
    const machine: FakeMachine = {
      name: `machine-${seed.id}`,
      state: "started",
      region: "cdg",
      instance_id: "01J0000000000000000000000",
      checks: [
        { name: "servicecheck-00-http-8080", status: "passing", output: "OK", updated_at: new Date().toISOString() },
      ],
      events: [],
      config: {
        image: "registry.fly.io/app:latest",
        restart: { policy: "on-failure" },
        services: [{ protocol: "tcp", internal_port: 8080, autostop: "stop", autostart: true }],
      },
      start_outcome: "started",
      transition_ms: 30,
      checks_after_start: "passing",
      checks_delay_ms: 0,
      host_status: "ok",
      host_recovers_on_restart: false,
      flap_every_listing: false,
      ...rest,
    };
    if (!this.apps.has(app)) this.apps.set(app, new Map());
    this.apps.get(app)?.set(machine.id, machine);
    return machine;
  }

  crash(machine: FakeMachine, exitCode: number, oom: boolean): void {
    machine.state = "stopped";
    this.#event(machine, "exit", "stopped", "flyd", {
      exit_event: {
        exit_code: oom ? 137 : exitCode,
        guest_exit_code: exitCode,
        guest_signal: -1,
        signal: -1,
        oom_killed: oom,
        requested_stop: false,
        restarting: false,
        exited_at: new Date().toISOString(),
      },
      restart_count: 0,
    });
  }

  async handle(request: FakeRequest): Promise<FakeResponse> {
    return this.#route(request);
  }

  #route(request: FakeRequest): Promise<FakeResponse> | FakeResponse {
    const skipping = this.#skippingFaults.take(request);
    if (skipping) return skipping;
    const auth = request.headers.authorization ?? "";
    if (!TOKEN.test(auth)) return { status: 401, body: { error: "You must be authenticated to view this." } };
    const token = auth.replace(/^\S+\s+/, "");
    if (this.validTokens.length > 0 && !this.validTokens.includes(token)) {
      return { status: 401, body: { error: "token validation error" } };
    }
    const match = /^\/v1\/apps\/([^/]+)\/machines(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/.exec(request.path);
    if (!match) return { status: 404, body: { error: "Not Found" } };
    const [, app = "", id, action] = match;
    const machines = this.apps.get(app);
    if (!machines) return { status: 404, body: { error: "app not found" } };
    if (!id) {
      if (request.method !== "GET") return { status: 405, body: { error: "method not allowed" } };
      const summary = request.url.searchParams.get("summary") === "true";
      for (const machine of machines.values()) if (machine.flap_every_listing) this.#flip(machine);
      return { status: 200, body: [...machines.values()].map((m) => this.#json(m, summary)) };
    }
    const machine = machines.get(id);
    if (!machine) return { status: 404, body: { error: "machine not found" } };
    return this.#machineAction(machine, request, action);
  }

  async #machineAction(machine: FakeMachine, request: FakeRequest, action: string | undefined): Promise<FakeResponse> {
    const key = `${request.method} ${action ?? ""}`;
    if (key === "GET ") return { status: 200, body: this.#json(machine, false) };
    if (key === "GET events") return { status: 200, body: machine.events.slice(0, 50) };
    if (key === "GET wait") return this.#wait(machine, request);
    if (action === "lease") return this.#leaseAction(machine, request);

    const conflict = this.#leaseConflict(machine, request);
    if (conflict) return conflict;
    switch (key) {
      case "POST start": {
        if (!["stopped", "suspended", "created"].includes(machine.state)) {
          return {
            status: 412,
            body: { error: `failed_precondition: unable to start machine from current state: '${machine.state}'` },
          };
        }
        const previous = machine.state;
        this.#transition(machine, "starting");
        return { status: 200, body: { previous_state: previous } };
      }
      case "POST restart": {
        if (machine.state !== "started") {
          return {
            status: 412,
            body: { error: "failed_precondition: unable to restart machine, not currently started" },
          };
        }
        this.#transition(machine, "restarting");
        return { status: 200, body: {} };
      }
      case "POST stop": {
        this.#stop(machine, true);
        return { status: 200, body: {} };
      }
      default:
        return { status: 404, body: { error: `unknown action ${request.method} ${action ?? ""}` } };
    }
  }

  #leaseAction(machine: FakeMachine, request: FakeRequest): FakeResponse {
    const now = Math.floor(Date.now() / 1000);
    const held = machine.lease && machine.lease.expires_at > now ? machine.lease : undefined;
    const nonce = request.headers["fly-machine-lease-nonce"];
    if (request.method === "GET") {
      return held ? { status: 200, body: leaseJson(held) } : { status: 404, body: { error: "lease not found" } };
    }
    if (request.method === "POST") {
      if (held && held.nonce !== nonce) {
        return {
          status: 409,
          body: { status: "error", message: `machine ID ${machine.id} lease currently held by ${held.owner}` },
        };
      }
      const input = request.body ? (JSON.parse(request.body) as { ttl?: number; description?: string }) : {};
      const ttl = Number(request.url.searchParams.get("ttl") ?? input.ttl ?? 30);
      machine.lease = {
        nonce: held?.nonce ?? crypto.randomUUID().replace(/-/g, "").slice(0, 12),
        owner: "kora@example.com",
        description: input.description ?? "",
        expires_at: now + ttl,
      };
      return { status: held ? 200 : 201, body: leaseJson(machine.lease) };
    }
    if (request.method === "DELETE") {
      if (!nonce) return { status: 400, body: { error: "fly-machine-lease-nonce header is required" } };
      if (held && held.nonce !== nonce) return { status: 409, body: { error: "lease nonce mismatch" } };
      machine.lease = undefined;
      return { status: 200, body: {} };
    }
    return { status: 405, body: { error: "method not allowed" } };
  }

  #leaseConflict(machine: FakeMachine, request: FakeRequest): FakeResponse | undefined {
    const held = machine.lease && machine.lease.expires_at > Date.now() / 1000 ? machine.lease : undefined;
    if (held && request.headers["fly-machine-lease-nonce"] !== held.nonce) {
      return {
        status: 409,
        body: { status: "error", message: `machine ID ${machine.id} lease currently held by ${held.owner}` },
      };
    }
    return undefined;
  }

  async #wait(machine: FakeMachine, request: FakeRequest): Promise<FakeResponse> {
    const wanted = (request.url.searchParams.getAll("state").join(",") || "started").split(",");
    const timeoutSeconds = Math.min(60, Math.max(1, Number(request.url.searchParams.get("timeout") ?? 60)));
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (Date.now() < deadline && !request.signal.aborted) {
      if (wanted.includes(machine.state)) {
        return { status: 200, body: { ok: true, state: machine.state, version: machine.instance_id } };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { status: 408, body: { error: "deadline_exceeded: timeout waiting for machine to be started" } };
  }

  #transition(machine: FakeMachine, transient: "starting" | "restarting"): void {
    machine.state = transient;
    this.#event(machine, transient === "starting" ? "start" : "restart", transient, "user");
    if (machine.start_outcome === "stuck") return;
    this.#later(() => {
      if (machine.start_outcome === "started") {
        machine.state = "started";
        machine.instance_id = `01J${crypto.randomUUID().replace(/-/g, "").slice(0, 23).toUpperCase()}`;
        this.#event(machine, "start", "started", "flyd");
        if (transient === "restarting" && machine.host_recovers_on_restart) machine.host_status = "ok";
        if (machine.checks_delay_ms > 0) {
          this.#setChecks(machine, "critical");
          this.#later(() => this.#setChecks(machine, machine.checks_after_start), machine.checks_delay_ms);
        } else {
          this.#setChecks(machine, machine.checks_after_start);
        }
        if (machine.crash_loop) this.#crashLater(machine);
      } else {
        this.crash(machine, 1, false);
      }
    }, machine.transition_ms);
  }

  #crashLater(machine: FakeMachine): void {
    const loop = machine.crash_loop;
    if (!loop) return;
    this.#later(() => {
      if (machine.state === "started") this.crash(machine, loop.exit_code, false);
    }, loop.after_ms);
  }

  /** Crashed ↔ started: what a flapping machine looks like from one observation to the next. */
  #flip(machine: FakeMachine): void {
    if (machine.state === "started") {
      this.crash(machine, 1, false);
      return;
    }
    machine.state = "started";
    this.#event(machine, "start", "started", "flyd");
    this.#setChecks(machine, "passing");
  }

  #mustFind(id: unknown): FakeMachine {
    const machine = this.#find(String(id));
    if (!machine) throw new Error(`no machine ${String(id)}`);
    return machine;
  }

  #later(run: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #setChecks(machine: FakeMachine, status: FakeMachineCheck["status"]): void {
    machine.checks = machine.checks.map((check) => ({
      ...check,
      status,
      output: status === "passing" ? "OK" : "connect: connection refused",
      updated_at: new Date().toISOString(),
    }));
  }

  #stop(machine: FakeMachine, requested: boolean): void {
    machine.state = "stopped";
    this.#event(machine, "stop", "stopping", "user");
    this.#event(machine, "exit", "stopped", "flyd", {
      exit_event: {
        exit_code: 0,
        guest_exit_code: 0,
        guest_signal: -1,
        signal: -1,
        oom_killed: false,
        requested_stop: requested,
        restarting: false,
        exited_at: new Date().toISOString(),
      },
      restart_count: 0,
    });
  }

  #event(machine: FakeMachine, type: string, status: string, source: string, request?: unknown): void {
    this.#eventSeq += 1;
    machine.events.unshift({
      id: `01JEVT${String(this.#eventSeq).padStart(20, "0")}`,
      type,
      status,
      source,
      timestamp: Date.now(),
      ...(request === undefined ? {} : { request }),
    });
  }

  #find(id: string): FakeMachine | undefined {
    for (const machines of this.apps.values()) {
      const machine = machines.get(id);
      if (machine) return machine;
    }
    return undefined;
  }

  #json(machine: FakeMachine, summary: boolean): Record<string, unknown> {
    const base = {
      id: machine.id,
      name: machine.name,
      state: machine.state,
      region: machine.region,
      instance_id: machine.instance_id,
      version: machine.instance_id,
      private_ip: "fdaa:0:3ec2:a7b:5adc:c12d:84b0:2",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: new Date().toISOString(),
    };
    if (summary) return base;
    // Fly leaves `config` out and sends `incomplete_config` when the host does not answer.
    const config = machine.host_status === "ok" ? { config: machine.config } : { incomplete_config: machine.config };
    return {
      ...base,
      host_status: machine.host_status,
      ...config,
      checks: machine.checks,
      events: machine.events.slice(0, 20),
      ...(machine.lease ? { nonce: machine.lease.nonce } : {}),
    };
  }
}

function leaseJson(lease: NonNullable<FakeMachine["lease"]>): unknown {
  return {
    status: "success",
    data: { nonce: lease.nonce, expires_at: lease.expires_at, owner: lease.owner, description: lease.description },
  };
}
