/**
 * Slack Web API: Slack publishes no OpenAPI spec for it, so these two operations are written by
 * hand from the types of the SDK Kora uses, `slack-web-api-client` (the version in
 * package-lock.json; file paths under its `dist/`). Shapes only: Slack's own rules (text or
 * blocks, 50 blocks at most, …) stay in the fake.
 *
 * Wire format, from `client/api-client.js` `call()`: `POST {baseUrl}{method}` with
 * `Content-Type: application/x-www-form-urlencoded` and `Authorization: Bearer <token>`; object
 * and array arguments (`blocks`) travel JSON-encoded in their form field. Slack also accepts a
 * JSON body with a bearer token, which the same schemas describe.
 */
import type { ProviderContract, Schema } from "./checker.ts";

// client/request.d.ts `SlackAPIRequest`: the token may travel in the body instead of the header.
const token: Schema = { type: "string" };

// block-kit/blocks.d.ts `Block`: every block of `AnyMessageBlock` has a `type` and maybe a `block_id`.
const blocks: Schema = {
  type: "array",
  items: {
    type: "object",
    required: ["type"],
    properties: { type: { type: "string" }, block_id: { type: "string" } },
  },
};

// client/request.d.ts `ChatPostMessageRequest`
const chatPostMessageRequest: Schema = {
  type: "object",
  required: ["channel", "text"],
  properties: {
    token,
    channel: { type: "string" },
    text: { type: "string" },
    blocks,
    attachments: { type: "array", items: { type: "object" } },
    metadata: { type: "object" },
    thread_ts: { type: "string" },
    reply_broadcast: { type: "boolean" },
    unfurl_links: { type: "boolean" },
    unfurl_media: { type: "boolean" },
    icon_emoji: { type: "string" },
    icon_url: { type: "string" },
    username: { type: "string" },
    link_names: { type: "boolean" },
    mrkdwn: { type: "boolean" },
    parse: { enum: ["full", "none"] },
    as_user: { type: "boolean" },
  },
};

// client/request.d.ts `ChatUpdateRequest`
const chatUpdateRequest: Schema = {
  type: "object",
  required: ["channel", "text", "ts"],
  properties: {
    token,
    channel: { type: "string" },
    text: { type: "string" },
    ts: { type: "string" },
    blocks,
    attachments: { type: "array", items: { type: "object" } },
    metadata: { type: "object" },
    file_ids: { type: "array", items: { type: "string" } },
    reply_broadcast: { type: "boolean" },
    link_names: { type: "boolean" },
    parse: { enum: ["full", "none"] },
    as_user: { type: "boolean" },
  },
};

// client/generated-response/ChatPostMessageResponse.d.ts `ChatPostMessageResponseMessage` and
// ChatUpdateResponse.d.ts `Message`: every field optional.
const message: Schema = {
  type: "object",
  properties: {
    app_id: { type: "string" },
    attachments: { type: "array", items: { type: "object" } },
    blocks,
    bot_id: { type: "string" },
    subtype: { type: "string" },
    team: { type: "string" },
    text: { type: "string" },
    thread_ts: { type: "string" },
    ts: { type: "string" },
    type: { type: "string" },
    user: { type: "string" },
    username: { type: "string" },
  },
};

// client/response.d.ts `SlackAPIResponse` (`ok` required, `error` on failure) and
// generated-response/ChatPostMessageResponse.d.ts `ResponseMetadata`.
const responseBase = {
  ok: { type: "boolean" },
  error: { type: "string" },
  needed: { type: "string" },
  provided: { type: "string" },
  response_metadata: { type: "object", properties: { messages: { type: "array", items: { type: "string" } } } },
};

// client/generated-response/ChatPostMessageResponse.d.ts `ChatPostMessageResponse`
const chatPostMessageResponse: Schema = {
  type: "object",
  required: ["ok"],
  properties: {
    ...responseBase,
    channel: { type: "string" },
    deprecated_argument: { type: "string" },
    errors: { type: "array", items: { type: "string" } },
    message,
    ts: { type: "string" },
  },
};

// client/generated-response/ChatUpdateResponse.d.ts `ChatUpdateResponse`
const chatUpdateResponse: Schema = {
  type: "object",
  required: ["ok"],
  properties: {
    ...responseBase,
    channel: { type: "string" },
    message,
    text: { type: "string" },
    ts: { type: "string" },
  },
};

function slackMethod(operationId: string, request: Schema, response: Schema) {
  return {
    post: {
      operationId,
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": { schema: request },
          "application/json": { schema: request },
        },
      },
      responses: {
        "200": {
          description: "ok: true, or ok: false with error",
          content: { "application/json": { schema: response } },
        },
      },
    },
  };
}

export const slackContract: ProviderContract = {
  provider: "slack",
  document: {
    "x-source": {
      package: "slack-web-api-client",
      files: [
        "dist/client/api-client.js",
        "dist/client/request.d.ts",
        "dist/client/response.d.ts",
        "dist/client/generated-response/ChatPostMessageResponse.d.ts",
        "dist/client/generated-response/ChatUpdateResponse.d.ts",
        "dist/block-kit/blocks.d.ts",
      ],
    },
    openapi: "3.1.0",
    paths: {
      "/api/chat.postMessage": slackMethod("chat.postMessage", chatPostMessageRequest, chatPostMessageResponse),
      "/api/chat.update": slackMethod("chat.update", chatUpdateRequest, chatUpdateResponse),
    },
    security: [{ botToken: [] }],
    components: { securitySchemes: { botToken: { type: "http", scheme: "bearer" } } },
  },
};
