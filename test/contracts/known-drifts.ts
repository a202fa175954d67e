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
    id: "vercel-deployments-v6",
    provider: "vercel",
    operation: "getDeployments",
    direction: "request",
    field: "operation",
    method: "GET",
    path: "^/v6/deployments/?$",
    checkAs: "getDeployments",
    what: "src/probes/vercel.ts lists deployments with GET /v6/deployments; @vercel/sdk's getDeployments is GET /v7/deployments",
    why: "v6 is the superseded version of the endpoint. The query parameters Kora sends and the answer are checked against the v7 operation.",
  },
  {
    id: "sentry-events-stats-undocumented",
    provider: "sentry",
    operation: "listOrganizationEventsTimeseries",
    direction: "request",
    field: "operation",
    method: "GET",
    path: "^/api/0/organizations/[^/]+/events-stats/$",
    what: "src/probes/sentry.ts reads GET /api/0/organizations/{org}/events-stats/, which is in no release of the published schema; the documented operation is GET …/events-timeseries/ (listOrganizationEventsTimeseries)",
    why: "events-stats is Sentry's internal Discover endpoint: unversioned and free to change. The documented one needs dataset=errors, takes the project as project=<id or slug> (Kora filters with project:<slug> inside query) and interval in seconds (Kora sends 1m), and answers { timeSeries: [{ values: [{ timestamp, value }] }] } instead of { data: [[ts, [{ count }]]] }.",
  },
  {
    id: "fly-lease-requires-nonce",
    provider: "fly",
    operation: "Machines_create_lease",
    direction: "consumer",
    field: "body.nonce",
    what: "src/fly/machine.ts `MachineLease` reads the envelope { status, data: { nonce } } (fly-go) and the spec's flat Lease { nonce, … } alike, but requires `nonce`, which the spec marks optional",
    why: "Kept on purpose: a lease without a nonce can neither guard the fix (every mutating call sends it in fly-machine-lease-nonce) nor be released, so the autofix refuses to act on one rather than act unleased.",
  },
  {
    id: "doppler-config-requires-name-project",
    provider: "doppler",
    operation: "configs.get",
    direction: "consumer",
    field: "body.config.name",
    what: "src/probes/doppler.ts `ConfigAnswer` requires config.name and config.project (z.string()); DopplerHQ/cli reads every ConfigInfo field only when present (pkg/models/parse.go ParseConfigInfo)",
    why: "Kora reads only config.locked; a config answer without a name would turn a healthy config into a probe error. Make name and project optional (or drop them).",
  },
];
