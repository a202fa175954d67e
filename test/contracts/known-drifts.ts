/**
 * Where Kora's own clients (src/) differ from the providers' published contracts. The checker
 * still reports each matching violation, tagged with the drift's id, but the workers suite does
 * not fail on it. Each entry is a fix waiting in src/: fix the client, then delete the entry
 * (contracts.test.ts fails on an entry that no longer matches anything).
 */
export interface KnownDrift {
  id: string;
  provider: string;
  /** The documented operation concerned; for `field: "operation"`, the one Kora should call. */
  operation: string;
  /**
   * `request`/`response`: matched against the checker's violations by operation and field.
   * `consumer`: Kora refuses an answer the spec allows (its least form: `contract-minimal`).
   */
  direction: "request" | "response" | "consumer";
  /** `operation` (Kora calls an undocumented endpoint), `query.project`, `body.data.nonce`, … */
  field: string;
  /** For `field: "operation"`: the undocumented call Kora makes. */
  method?: string;
  path?: string;
  /** For `field: "operation"`: check the rest of such a request against this documented operation. */
  checkAs?: string;
  what: string;
  why: string;
}

export const KNOWN_DRIFTS: KnownDrift[] = [
  {
    id: "fly-restart-force-stop",
    provider: "fly",
    operation: "Machines_restart",
    direction: "request",
    field: "query.force_stop",
    what: "src/fly/client.ts restartMachine sends POST …/restart?force_stop=false; Machines_restart documents only timeout and signal",
    why: "The parameter is not part of the contract, so what it asks for is not promised; Fly ignores parameters it does not know. Drop it (a plain restart is what Kora wants).",
  },
  {
    id: "fly-machine-requires-id-and-state",
    provider: "fly",
    operation: "Machines_list",
    direction: "consumer",
    field: "body[0].id",
    what: "src/fly/machine.ts `Machine` requires `id` and `state` (z.string()); the spec's Machine schema has no required property, so a listed machine without them fails the whole list as bad_response",
    why: "Every real machine has both, so this is about how much one odd machine costs: today the probe loses the whole app. Parse each machine on its own (or mark id/state optional and skip the machine), so one unreadable machine does not hide the others.",
  },
  {
    id: "fly-show-requires-id-and-state",
    provider: "fly",
    operation: "Machines_show",
    direction: "consumer",
    field: "body.id",
    what: "src/fly/machine.ts `Machine` requires `id` and `state`; Machines_show's Machine schema marks every property optional",
    why: "Same schema as the list. A machine read without a state cannot be judged, so refusing it is defensible; if kept, say so in machine.ts and turn this entry into a comment.",
  },
  {
    id: "fly-lease-envelope",
    provider: "fly",
    operation: "Machines_create_lease",
    direction: "consumer",
    field: "body.data",
    what: "src/fly/machine.ts `MachineLease` requires the envelope { status, data: { nonce, expires_at } }; the spec documents the 201 body as a flat Lease { nonce, expires_at, owner, description, version }, every field optional",
    why: "flyctl (fly-go `MachineLease`) reads the envelope, so the spec and the real API disagree and Kora follows the real one; a lease without a nonce cannot be released, so refusing it is right. Accept both shapes (envelope or flat Lease) and keep requiring the nonce.",
  },
  {
    id: "fly-start-body",
    provider: "fly",
    operation: "Machines_start",
    direction: "consumer",
    field: "body",
    what: "src/fly/client.ts startMachine parses the answer with `StartMachineResponse` (an object); the spec documents `200 OK` for Machines_start with no body, and an empty body fails the parse as bad_response",
    why: "A start Fly accepted would be reported as failed. Treat an empty 200 body as { } (every field of StartMachineResponse is optional already), as restartMachine does by passing no schema.",
  },
];
