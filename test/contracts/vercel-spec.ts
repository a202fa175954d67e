/**
 * Vercel's contract, read from the official `@vercel/sdk` package (a devDependency; Speakeasy
 * generates it from Vercel's OpenAPI spec, which is not published on its own). The operation's
 * path comes from `esm/funcs/deploymentsGetDeployments.js`, its query parameters from
 * `GetDeploymentsRequest$outboundSchema` and its 200 body from
 * `GetDeploymentsResponseBody$inboundSchema` (`models/getdeploymentsop.js`).
 *
 * The SDK's inbound schemas are deliberately lenient (a missing string reads as "", a numeric
 * string as a number, null as absent): useful to a client, useless to a contract check. The
 * conversion below keeps only each field's declared type, so a field the SDK types as required
 * string must be a string.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  GetDeploymentsRequest$outboundSchema,
  GetDeploymentsResponseBody$inboundSchema,
} from "@vercel/sdk/models/getdeploymentsop.js";
import type { ProviderContract, Schema } from "./checker.ts";

interface ZodLike {
  _def: Record<string, unknown> & { typeName?: string };
}

export function vercelContract(): ProviderContract {
  const packageJson = createRequire(import.meta.url).resolve("@vercel/sdk/package.json");
  const root = dirname(packageJson);
  const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  const func = readFileSync(join(root, "esm/funcs/deploymentsGetDeployments.js"), "utf8");
  const path = /pathToFunc\("([^"]+)"\)/.exec(func)?.[1];
  if (!path) throw new Error("@vercel/sdk: no path in esm/funcs/deploymentsGetDeployments.js");

  const requestShape = shapeOf(GetDeploymentsRequest$outboundSchema as unknown as ZodLike);
  return {
    provider: "vercel",
    document: {
      "x-source": {
        package: "@vercel/sdk",
        version,
        files: ["esm/funcs/deploymentsGetDeployments.js", "esm/models/getdeploymentsop.js", "esm/models/pagination.js"],
      },
      openapi: "3.1.0",
      paths: {
        [path]: {
          get: {
            operationId: "getDeployments",
            parameters: Object.entries(requestShape).map(([name, schema]) => ({
              name,
              in: "query" as const,
              required: !isOptional(schema),
              schema: toJsonSchema(schema, 0),
            })),
            // "this operation will use Security.bearerToken from the global security"
            security: [{ bearerToken: [] }],
            responses: {
              "200": {
                description: "",
                content: {
                  "application/json": {
                    schema: toJsonSchema(GetDeploymentsResponseBody$inboundSchema as unknown as ZodLike, 0),
                  },
                },
              },
            },
          },
        },
      },
      components: { securitySchemes: { bearerToken: { type: "http", scheme: "bearer" } } },
    },
  };
}

function shapeOf(schema: ZodLike): Record<string, ZodLike> {
  const shape = schema._def.shape as (() => Record<string, ZodLike>) | undefined;
  return shape ? shape() : {};
}

function isOptional(schema: ZodLike): boolean {
  return schema._def.typeName === "ZodOptional" || schema._def.typeName === "ZodDefault";
}

/** Speakeasy's lenient fallbacks inside a union: `any → ""`, `null → undefined`, `"1" → 1`, … */
function isLenientFallback(option: ZodLike, siblings: ZodLike[]): boolean {
  if (option._def.typeName !== "ZodEffects") return false;
  const inner = (option._def.schema as ZodLike)._def.typeName;
  if (inner === "ZodAny" || inner === "ZodUnknown" || inner === "ZodNull" || inner === "ZodUndefined") return true;
  return (
    inner === "ZodString" && siblings.some((s) => s._def.typeName === "ZodNumber" || s._def.typeName === "ZodBoolean")
  );
}

function toJsonSchema(schema: ZodLike, depth: number): Schema {
  if (depth > 40) return {};
  const def = schema._def;
  const inner = (key: string) => toJsonSchema(def[key] as ZodLike, depth + 1);
  switch (def.typeName) {
    case "ZodString":
      return { type: "string" };
    case "ZodNumber":
      return { type: "number" };
    case "ZodBoolean":
      return { type: "boolean" };
    case "ZodNull":
      return { type: "null" };
    case "ZodLiteral":
      return { const: def.value };
    case "ZodEnum":
      return { enum: def.values };
    case "ZodNativeEnum":
      return { enum: Object.values(def.values as Record<string, unknown>) };
    case "ZodArray":
      return { type: "array", items: inner("type") };
    case "ZodRecord":
      return { type: "object", additionalProperties: inner("valueType") };
    case "ZodOptional":
    case "ZodDefault":
      return inner("innerType");
    case "ZodNullable":
      return { anyOf: [inner("innerType"), { type: "null" }] };
    case "ZodLazy":
      return toJsonSchema((def.getter as () => ZodLike)(), depth + 1);
    case "ZodPipeline":
      return inner("in");
    case "ZodEffects": {
      const wrapped = def.schema as ZodLike;
      // smartUnion hides its options in a closure over z.unknown(): nothing to check there.
      return wrapped._def.typeName === "ZodUnknown" || wrapped._def.typeName === "ZodAny" ? {} : inner("schema");
    }
    case "ZodUnion": {
      const options = def.options as ZodLike[];
      const strict = options.filter((option) => !isLenientFallback(option, options));
      const converted = strict.map((option) => toJsonSchema(option, depth + 1));
      return converted.length === 1 ? (converted[0] ?? {}) : { anyOf: converted };
    }
    case "ZodObject": {
      const shape = shapeOf(schema);
      const required = Object.entries(shape)
        .filter(([, value]) => !isOptional(value))
        .map(([key]) => key);
      return {
        type: "object",
        properties: Object.fromEntries(
          Object.entries(shape).map(([key, value]) => [key, toJsonSchema(value, depth + 1)]),
        ),
        ...(required.length > 0 ? { required } : {}),
      };
    }
    default:
      return {};
  }
}
