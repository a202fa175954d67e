/**
 * Checks the fake world's traffic against the providers' published contracts (README.md beside
 * this file): every request Kora sends must name a documented operation, carry its required
 * parameters and credentials with the documented types, and send a body its requestBody schema
 * accepts; every answer a fake gives must match that operation's documented response schema for
 * its status. Schemas are OpenAPI 3.0 (`nullable`) or 3.1 (`type: [..., "null"]`), validated by
 * ajv with the OpenAPI formats from ajv-formats.
 *
 * Runs on the Node side with the fake world (type stripping: `.ts` imports, erasable TypeScript).
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { KNOWN_DRIFTS, type KnownDrift } from "./known-drifts.ts";
import { dopplerContract } from "./doppler-spec.ts";
import { slackContract } from "./slack-spec.ts";
import { vercelContract } from "./vercel-spec.ts";

export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}

interface MediaType {
  schema?: Schema;
}

type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
  security?: SecurityRequirement[];
}

interface SecurityScheme {
  type: string;
  scheme?: string;
  name?: string;
  in?: string;
}

export interface SpecDocument {
  "x-source"?: unknown;
  openapi: string;
  info?: unknown;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, SecurityScheme> };
  security?: SecurityRequirement[];
}

/** One provider's contract: the document, and the security it applies when an operation names none. */
export interface ProviderContract {
  provider: string;
  document: SpecDocument;
  /** For specs that define a scheme but attach it to no operation although every call needs it. */
  defaultSecurity?: SecurityRequirement[];
}

export interface ContractViolation {
  seq: number;
  at: string;
  provider: string;
  /** operationId, or `METHOD /path` when no documented operation matches. */
  operation: string;
  direction: "request" | "response";
  method: string;
  path: string;
  status?: number;
  /** Where: `operation`, `path.app_name`, `query.project`, `header.authorization`, `body.config.name`, … */
  field: string;
  problem: string;
  /** The id of the known drift (known-drifts.ts) this is, or null: an unexpected violation. */
  known_drift: string | null;
}

export interface CheckedRequest {
  provider: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
}

export interface CheckedResponse {
  status: number;
  contentType: string;
  payload: string;
}

/** The operation a request was matched to, carried to the check of its answer. */
export interface MatchedOperation {
  provider: string;
  id: string;
  operation: OperationObject;
  contract: CompiledContract;
}

interface CompiledOperation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: string[];
  literalLength: number;
  operation: OperationObject;
}

interface CompiledContract {
  provider: string;
  document: SpecDocument;
  baseId: string;
  operations: CompiledOperation[];
  defaultSecurity?: SecurityRequirement[];
}

type Finding = Pick<ContractViolation, "field" | "problem">;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
// ajv-formats ships CommonJS; under Node's ESM loader its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function readSpec(name: string): SpecDocument {
  return JSON.parse(readFileSync(new URL(`./specs/${name}`, import.meta.url), "utf8")) as SpecDocument;
}

/** The contracts of every provider Kora talks to (the Anthropic fake has none here). */
export function loadContracts(): ProviderContract[] {
  return [
    {
      provider: "fly",
      document: readSpec("fly-machines.json"),
      // The spec defines FlyBearerAuth and says every request must carry it, but attaches it to no
      // Machines operation.
      defaultSecurity: [{ FlyBearerAuth: [] }],
    },
    { provider: "supabase", document: readSpec("supabase-management.json") },
    { provider: "sentry", document: readSpec("sentry.json") },
    vercelContract(),
    slackContract,
    dopplerContract,
  ];
}

export class ContractBook {
  readonly #ajv: Ajv;
  readonly #contracts = new Map<string, CompiledContract>();
  readonly #validators = new Map<Schema, ValidateFunction>();
  readonly #drifts: KnownDrift[];

  constructor(contracts: ProviderContract[] = loadContracts(), drifts: KnownDrift[] = KNOWN_DRIFTS) {
    this.#drifts = drifts;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.#ajv);
    for (const contract of contracts) {
      const baseId = `https://contracts.kora.invalid/${contract.provider}`;
      this.#ajv.addSchema({ $id: baseId, components: contract.document.components ?? {} });
      this.#contracts.set(contract.provider, {
        provider: contract.provider,
        document: contract.document,
        baseId,
        operations: compileOperations(contract.document),
        ...(contract.defaultSecurity ? { defaultSecurity: contract.defaultSecurity } : {}),
      });
    }
    // Compiling a large schema (Fly's Machine) blocks the event loop for a while: do it all now,
    // before any test, rather than in the middle of one with a short client timeout.
    for (const contract of this.#contracts.values()) {
      for (const { operation } of contract.operations) {
        const schemas = [
          ...(operation.parameters ?? []).map((p) => p.schema),
          ...Object.values(operation.requestBody?.content ?? {}).map((m) => m.schema),
          ...Object.values(operation.responses ?? {}).flatMap((r) =>
            Object.values(r.content ?? {}).map((m) => m.schema),
          ),
        ];
        for (const schema of schemas) if (schema) this.#validator(contract, schema);
      }
    }
  }

  /** Does this provider have a contract at all? (Providers without one are not checked.) */
  covers(provider: string): boolean {
    return this.#contracts.has(provider);
  }

  /** The operation by id, for the control API (`contract-minimal`). */
  operation(provider: string, id: string): MatchedOperation | undefined {
    const contract = this.#contracts.get(provider);
    const found = contract?.operations.find((op) => op.id === id);
    return contract && found ? { provider, id: found.id, operation: found.operation, contract } : undefined;
  }

  checkRequest(request: CheckedRequest): {
    match?: MatchedOperation;
    violations: Omit<ContractViolation, "seq" | "at">[];
  } {
    const contract = this.#contracts.get(request.provider);
    if (!contract) return { violations: [] };
    const base = { provider: request.provider, method: request.method, path: request.path };
    const found = findOperation(contract, request.method, request.path);
    const findings: (Finding & { operation: string })[] = [];
    let compiled = found?.compiled;
    let pathValues = found?.values ?? {};
    if (!compiled) {
      const operation = `${request.method} ${request.path}`;
      const sameMethodTemplates = contract.operations.filter((op) => op.pattern.test(request.path));
      findings.push({
        operation,
        field: "operation",
        problem:
          sameMethodTemplates.length > 0
            ? `the spec documents ${sameMethodTemplates.map((op) => `${op.method} ${op.template}`).join(", ")} but not ${request.method}`
            : `no documented operation has this path`,
      });
      // A known endpoint drift may name the documented operation to check the rest against.
      const drift = this.#drifts.find(
        (d) => d.provider === request.provider && d.field === "operation" && matchesEndpoint(d, request),
      );
      compiled = drift?.checkAs ? contract.operations.find((op) => op.id === drift.checkAs) : undefined;
      pathValues = {};
    }
    if (compiled) {
      for (const finding of this.#checkRequestAgainst(contract, compiled, request, pathValues)) {
        findings.push({ operation: compiled.id, ...finding });
      }
    }
    const violations = findings.map((finding) => {
      const violation = { ...base, direction: "request" as const, ...finding };
      return { ...violation, known_drift: this.#knownDrift(violation, request) };
    });
    return {
      ...(compiled
        ? { match: { provider: contract.provider, id: compiled.id, operation: compiled.operation, contract } }
        : {}),
      violations,
    };
  }

  checkResponse(
    match: MatchedOperation,
    request: CheckedRequest,
    response: CheckedResponse,
  ): Omit<ContractViolation, "seq" | "at">[] {
    const findings = this.#responseFindings(match, response);
    return findings.map((finding) => {
      const violation = {
        provider: match.provider,
        operation: match.id,
        direction: "response" as const,
        method: request.method,
        path: request.path,
        status: response.status,
        ...finding,
      };
      return { ...violation, known_drift: this.#knownDrift(violation, request) };
    });
  }

  /**
   * The least a provider may answer under its spec: the documented success status, and a body
   * with only the required fields (one item per array, null where null is allowed). Kora must be
   * able to read it; `contracts.test.ts` serves it through `contract-minimal`.
   */
  minimalResponse(match: MatchedOperation): { status: number; body?: unknown } {
    const responses = match.operation.responses ?? {};
    const code = Object.keys(responses).find((key) => /^2\d\d$/.test(key)) ?? "200";
    const schema = responses[code]?.content?.["application/json"]?.schema;
    const status = Number(code);
    if (!schema) return { status };
    return { status, body: minimalInstance(schema, match.contract.document, 0) };
  }

  #responseFindings(match: MatchedOperation, response: CheckedResponse): Finding[] {
    const responses = match.operation.responses ?? {};
    const status = String(response.status);
    const documented = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default;
    if (!documented) {
      return response.status >= 200 && response.status < 300
        ? [
            {
              field: "status",
              problem: `${response.status} is not a documented answer (${Object.keys(responses).join(", ")})`,
            },
          ]
        : [];
    }
    const content = documented.content ?? {};
    const json = Object.entries(content).find(([type]) => isJson(type));
    if (!json?.[1].schema) return [];
    if (!isJson(response.contentType)) {
      return [
        { field: "header.content-type", problem: `is ${response.contentType || "missing"}, the spec documents JSON` },
      ];
    }
    let body: unknown;
    try {
      body = JSON.parse(response.payload);
    } catch {
      return [{ field: "body", problem: "is not JSON" }];
    }
    return this.#validate(match.contract, json[1].schema, body, "body");
  }

  #checkRequestAgainst(
    contract: CompiledContract,
    compiled: CompiledOperation,
    request: CheckedRequest,
    pathValues: Record<string, string>,
  ): Finding[] {
    const findings: Finding[] = [];
    const parameters = compiled.operation.parameters ?? [];
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));

    for (const parameter of parameters.filter((p) => p.in === "path")) {
      const value = pathValues[parameter.name];
      if (value !== undefined && parameter.schema) {
        findings.push(
          ...this.#validateStrings(contract, parameter.schema, [safeDecode(value)], `path.${parameter.name}`),
        );
      }
    }

    const queryParameters = parameters.filter((p) => p.in === "query");
    for (const parameter of queryParameters) {
      const values = queryValues(parameter.name, request.query);
      if (values.length === 0) {
        if (parameter.required) findings.push({ field: `query.${parameter.name}`, problem: "is required" });
        continue;
      }
      if (parameter.schema) {
        findings.push(...this.#validateStrings(contract, parameter.schema, values, `query.${parameter.name}`));
      }
    }
    for (const name of Object.keys(request.query)) {
      if (!queryParameters.some((p) => parameterNameMatches(p.name, name))) {
        findings.push({ field: `query.${name}`, problem: `is not a parameter of ${compiled.id}` });
      }
    }

    for (const parameter of parameters.filter((p) => p.in === "header")) {
      const value = headers[parameter.name.toLowerCase()];
      if (value === undefined || value === "") {
        if (parameter.required)
          findings.push({ field: `header.${parameter.name.toLowerCase()}`, problem: "is required" });
      } else if (parameter.schema) {
        findings.push(
          ...this.#validateStrings(contract, parameter.schema, [value], `header.${parameter.name.toLowerCase()}`),
        );
      }
    }

    findings.push(...securityFindings(contract, compiled.operation, headers));
    findings.push(...this.#bodyFindings(contract, compiled, request.body, headers["content-type"] ?? ""));
    return findings;
  }

  #bodyFindings(contract: CompiledContract, compiled: CompiledOperation, body: string, contentType: string): Finding[] {
    const requestBody = compiled.operation.requestBody;
    if (!requestBody) {
      return body.length > 0 ? [{ field: "body", problem: `${compiled.id} takes no request body` }] : [];
    }
    if (body.length === 0) return requestBody.required ? [{ field: "body", problem: "is required" }] : [];
    const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    const content = requestBody.content ?? {};
    const documented = content[mediaType];
    if (!documented) {
      return [
        {
          field: "header.content-type",
          problem: `is ${mediaType || "missing"}; ${compiled.id} takes ${Object.keys(content).join(" or ")}`,
        },
      ];
    }
    if (!documented.schema) return [];
    if (isJson(mediaType)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return [{ field: "body", problem: "is not JSON" }];
      }
      return this.#validate(contract, documented.schema, parsed, "body");
    }
    if (mediaType === "application/x-www-form-urlencoded") {
      return this.#validate(
        contract,
        documented.schema,
        decodeForm(body, documented.schema, contract.document),
        "body",
      );
    }
    return [];
  }

  /**
   * Query, path and header values arrive as strings; a value passes when some reading of it (as
   * text, number or boolean, per item for arrays) satisfies the parameter's schema.
   */
  #validateStrings(contract: CompiledContract, schema: Schema, values: string[], field: string): Finding[] {
    const resolved = resolveRef(schema, contract.document);
    const isArray = typeOf(resolved).includes("array");
    if (isArray) {
      const items = values.flatMap((v) => v.split(","));
      const itemSchema = (resolved.items as Schema | undefined) ?? {};
      const findings: Finding[] = [];
      items.forEach((item, index) => {
        if (!candidates(item).some((candidate) => this.#validator(contract, itemSchema)(candidate))) {
          findings.push(
            ...this.#validate(
              contract,
              itemSchema,
              bestReading(item, itemSchema, contract.document),
              `${field}[${index}]`,
            ),
          );
        }
      });
      return findings;
    }
    if (values.length > 1) return [{ field, problem: `is given ${values.length} times, the spec documents one value` }];
    const [value = ""] = values;
    if (candidates(value).some((candidate) => this.#validator(contract, schema)(candidate))) return [];
    return this.#validate(contract, schema, bestReading(value, schema, contract.document), field);
  }

  #validate(contract: CompiledContract, schema: Schema, value: unknown, field: string): Finding[] {
    const validate = this.#validator(contract, schema);
    if (validate(value)) return [];
    return describeErrors(validate.errors ?? [], field, value);
  }

  #validator(contract: CompiledContract, schema: Schema): ValidateFunction {
    let validate = this.#validators.get(schema);
    if (!validate) {
      validate = this.#ajv.compile(absoluteRefs(schema, contract.baseId) as Schema);
      this.#validators.set(schema, validate);
    }
    return validate;
  }

  #knownDrift(
    violation: Omit<ContractViolation, "seq" | "at" | "known_drift">,
    request: CheckedRequest,
  ): string | null {
    const drift = this.#drifts.find(
      (d) =>
        d.provider === violation.provider &&
        d.direction === violation.direction &&
        (d.field === "operation"
          ? violation.field === "operation" && matchesEndpoint(d, request)
          : d.operation === violation.operation && d.field === violation.field),
    );
    return drift?.id ?? null;
  }
}

function compileOperations(document: SpecDocument): CompiledOperation[] {
  const operations: CompiledOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const pathParams: string[] = [];
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const param = /^\{([^}]+)\}$/.exec(part);
          if (param?.[1]) {
            pathParams.push(param[1]);
            return "([^/]+)";
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("");
      operations.push({
        id: operation.operationId ?? `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        pathParams,
        literalLength: template.replace(/\{[^}]+\}/g, "").length,
        operation,
      });
    }
  }
  return operations;
}

function findOperation(
  contract: CompiledContract,
  method: string,
  path: string,
): { compiled: CompiledOperation; values: Record<string, string> } | undefined {
  const candidatesFound = contract.operations
    .filter((op) => op.method === method.toUpperCase())
    .map((op) => ({ op, match: op.pattern.exec(path) }))
    .filter((c): c is { op: CompiledOperation; match: RegExpExecArray } => c.match !== null)
    .sort((a, b) => b.op.literalLength - a.op.literalLength);
  const best = candidatesFound[0];
  if (!best) return undefined;
  const values = Object.fromEntries(best.op.pathParams.map((name, i) => [name, best.match[i + 1] ?? ""]));
  return { compiled: best.op, values };
}

function matchesEndpoint(drift: KnownDrift, request: CheckedRequest): boolean {
  return (
    (drift.method === undefined || drift.method === request.method) &&
    (drift.path === undefined || new RegExp(drift.path).test(request.path))
  );
}

function securityFindings(
  contract: CompiledContract,
  operation: OperationObject,
  headers: Record<string, string>,
): Finding[] {
  const requirements = operation.security ?? contract.document.security ?? contract.defaultSecurity ?? [];
  if (requirements.length === 0) return [];
  const schemes = contract.document.components?.securitySchemes ?? {};
  const problems: string[] = [];
  for (const requirement of requirements) {
    const unmet = Object.keys(requirement)
      .map((name) => schemeProblem(name, schemes[name], headers))
      .filter((problem): problem is string => problem !== undefined);
    if (unmet.length === 0) return [];
    problems.push(...unmet);
  }
  return [{ field: "header.authorization", problem: [...new Set(problems)].join("; or ") }];
}

/** Undefined when the request carries what the scheme asks for. */
function schemeProblem(
  name: string,
  scheme: SecurityScheme | undefined,
  headers: Record<string, string>,
): string | undefined {
  // A scheme the spec names but does not define (Supabase's `bearer`) is read by its name.
  const effective = scheme ?? (/bearer/i.test(name) ? { type: "http", scheme: "bearer" } : undefined);
  if (!effective) return undefined;
  if (effective.type === "http") {
    const authorization = headers.authorization ?? "";
    const wanted = (effective.scheme ?? "").toLowerCase();
    const given = authorization.split(/\s+/)[0]?.toLowerCase() ?? "";
    if (!authorization) return `is required (${name}: ${wanted} credentials)`;
    if (given !== wanted) return `uses scheme "${given}", ${name} is ${wanted}`;
    if (!authorization.split(/\s+/)[1]) return `has no ${wanted} credentials`;
    return undefined;
  }
  if (effective.type === "apiKey" && effective.in === "header" && effective.name) {
    return headers[effective.name.toLowerCase()] ? undefined : `is required (${name}: header ${effective.name})`;
  }
  return undefined;
}

function queryValues(name: string, query: Record<string, string[]>): string[] {
  if (!name.includes("{")) return query[name] ?? [];
  return Object.entries(query)
    .filter(([key]) => parameterNameMatches(name, key))
    .flatMap(([, values]) => values);
}

/** `metadata.{key}` documents a family of parameter names. */
function parameterNameMatches(documented: string, given: string): boolean {
  if (!documented.includes("{")) return documented === given;
  const source = documented.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${source.join(".+")}$`).test(given);
}

function candidates(value: string): unknown[] {
  const readings: unknown[] = [value];
  if (value.trim() !== "" && Number.isFinite(Number(value))) readings.push(Number(value));
  if (value === "true" || value === "false") readings.push(value === "true");
  return readings;
}

/** The reading to report errors against: a number where the schema wants one and the text is numeric. */
function bestReading(value: string, schema: Schema, document: SpecDocument): unknown {
  const types = typeOf(resolveRef(schema, document));
  if (
    (types.includes("integer") || types.includes("number")) &&
    value.trim() !== "" &&
    Number.isFinite(Number(value))
  ) {
    return Number(value);
  }
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

/** A form body as the schema reads it: JSON-encoded objects and arrays (as Slack's SDK sends them) parsed. */
function decodeForm(body: string, schema: Schema, document: SpecDocument): Record<string, unknown> {
  const properties = (resolveRef(schema, document).properties ?? {}) as Record<string, Schema>;
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const property = properties[key];
    const types = property ? typeOf(resolveRef(property, document)) : [];
    if (types.includes("array") || types.includes("object")) {
      try {
        decoded[key] = JSON.parse(value) as unknown;
      } catch {
        decoded[key] = value;
      }
    } else if (types.includes("boolean") && (value === "true" || value === "false")) {
      decoded[key] = value === "true";
    } else if ((types.includes("integer") || types.includes("number")) && Number.isFinite(Number(value))) {
      decoded[key] = Number(value);
    } else {
      decoded[key] = value;
    }
  }
  return decoded;
}

function typeOf(schema: Schema): string[] {
  const type = schema.type;
  if (Array.isArray(type)) return type.map(String);
  if (typeof type === "string") return [type];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const branches = schema[key];
    if (Array.isArray(branches)) return branches.flatMap((branch) => typeOf(branch as Schema));
  }
  return [];
}

function resolveRef(schema: Schema, document: SpecDocument): Schema {
  let current = schema;
  for (let depth = 0; depth < 10 && typeof current.$ref === "string"; depth++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? document.components?.schemas?.[name] : undefined;
    if (!target) return current;
    current = target;
  }
  return current;
}

/** Local `#/components/…` refs rewritten against the contract's id, so any schema compiles alone. */
function absoluteRefs(value: unknown, baseId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => absoluteRefs(item, baseId));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" && inner.startsWith("#")
        ? `${baseId}${inner}`
        : absoluteRefs(inner, baseId),
    ]),
  );
}

function isJson(contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** ajv's errors as one line each, branch noise of failed anyOf/oneOf alternatives folded away. */
function describeErrors(errors: ErrorObject[], field: string, value: unknown): Finding[] {
  const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const kept = errors.filter(
    (e) =>
      !unions.some(
        (u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath),
      ),
  );
  const findings = kept.map((error) => {
    const where = `${field}${pointerToPath(error.instancePath)}`;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case "required":
        return { field: `${where}.${String(params.missingProperty)}`, problem: "is required" };
      case "type":
        return {
          field: where,
          problem: `must be ${String(params.type)} (got ${describeValue(valueAt(value, error.instancePath))})`,
        };
      case "enum":
        return {
          field: where,
          problem: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")} (got ${describeValue(valueAt(value, error.instancePath))})`,
        };
      case "anyOf":
      case "oneOf":
        return {
          field: where,
          problem: `matches none of the documented shapes (got ${describeValue(valueAt(value, error.instancePath))})`,
        };
      default:
        return { field: where, problem: error.message ?? error.keyword };
    }
  });
  return findings.filter((f, i) => findings.findIndex((g) => g.field === f.field && g.problem === f.problem) === i);
}

function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("");
}

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    current = current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The smallest value the schema accepts that still exercises each level: see `minimalResponse`. */
function minimalInstance(schema: Schema, document: SpecDocument, depth: number): unknown {
  const resolved = resolveRef(schema, document);
  if (depth > 20) return null;
  if ("const" in resolved) return resolved.const;
  if (Array.isArray(resolved.enum)) return resolved.enum.includes(null) ? null : resolved.enum[0];
  const types = Array.isArray(resolved.type)
    ? resolved.type.map(String)
    : typeof resolved.type === "string"
      ? [resolved.type]
      : [];
  if (resolved.nullable === true || types.includes("null")) return null;
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const branches = resolved[key];
    if (Array.isArray(branches) && branches.length > 0 && types.length === 0) {
      return minimalInstance(branches[0] as Schema, document, depth + 1);
    }
  }
  const type = types[0] ?? (resolved.properties ? "object" : undefined);
  switch (type) {
    case "object": {
      const properties = (resolved.properties ?? {}) as Record<string, Schema>;
      const required = Array.isArray(resolved.required) ? resolved.required.map(String) : [];
      return Object.fromEntries(
        required.map((name) => [name, minimalInstance(properties[name] ?? {}, document, depth + 1)]),
      );
    }
    case "array":
      return resolved.items ? [minimalInstance(resolved.items as Schema, document, depth + 1)] : [];
    case "string":
      // A formatted string has no empty form: the least value of its format instead.
      if (typeof resolved.format === "string" && resolved.format in LEAST_FORMATTED) {
        return LEAST_FORMATTED[resolved.format];
      }
      return "x".repeat(typeof resolved.minLength === "number" ? resolved.minLength : 0);
    case "integer":
    case "number":
      return typeof resolved.minimum === "number" ? resolved.minimum : 0;
    case "boolean":
      return false;
    default:
      return {};
  }
}

const LEAST_FORMATTED: Record<string, string> = {
  "date-time": "1970-01-01T00:00:00Z",
  date: "1970-01-01",
  time: "00:00:00Z",
  uri: "https://example.invalid/",
  email: "x@example.invalid",
  uuid: "00000000-0000-0000-0000-000000000000",
};
