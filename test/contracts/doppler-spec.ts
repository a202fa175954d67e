/**
 * Doppler API: Doppler publishes no OpenAPI spec, so the one operation Kora calls is written by
 * hand from its official CLI, DopplerHQ/cli at d441d94d999daf4a1b5727e462ba36691962007e
 * (v3.76.1-2-gd441d94):
 *
 * - pkg/http/api.go `GetConfig`: `GET /v3/configs/config` with query `project` and `config`,
 *   `apiKeyHeader` = `Authorization: Bearer <token>`; the answer's `config` object must be there.
 * - pkg/models/api.go `ConfigInfo` (and `ConfigDescriptor`) for the fields and their types;
 *   pkg/models/parse.go `ParseConfigInfo` reads every field only when it is not null, so each is
 *   optional and may be null, but has its type when present (the CLI type-asserts it).
 */
import type { ProviderContract, Schema } from "./checker.ts";

const text: Schema = { type: ["string", "null"] };
const flag: Schema = { type: ["boolean", "null"] };

// pkg/models/api.go `ConfigDescriptor`; ParseConfigInfo asserts both fields as strings.
const configDescriptor: Schema = {
  type: "object",
  required: ["project", "config"],
  properties: { project: { type: "string" }, config: { type: "string" } },
};

// pkg/models/api.go `ConfigInfo`
const configInfo: Schema = {
  type: "object",
  properties: {
    name: text,
    root: flag,
    locked: flag,
    environment: text,
    project: text,
    created_at: text,
    initial_fetch_at: text,
    last_fetch_at: text,
    inheritable: flag,
    inherits: { type: ["array", "null"], items: configDescriptor },
    inheritedBy: { type: ["array", "null"], items: configDescriptor },
  },
};

export const dopplerContract: ProviderContract = {
  provider: "doppler",
  document: {
    "x-source": {
      repository: "DopplerHQ/cli",
      commit: "d441d94d999daf4a1b5727e462ba36691962007e",
      files: ["pkg/http/api.go", "pkg/models/api.go", "pkg/models/parse.go"],
    },
    openapi: "3.1.0",
    paths: {
      "/v3/configs/config": {
        get: {
          operationId: "configs.get",
          parameters: [
            { name: "project", in: "query", required: true, schema: { type: "string" } },
            { name: "config", in: "query", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: "the config",
              content: {
                "application/json": {
                  schema: { type: "object", required: ["config"], properties: { config: configInfo } },
                },
              },
            },
          },
        },
      },
    },
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } },
  },
};
