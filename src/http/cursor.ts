import { z } from "zod";

/**
 * Opaque page cursors: the keyset position as base64url JSON. Clients pass back what they got;
 * anything else is a 400 naming the parameter, never a 500.
 */
export function encodeCursor(position: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

const MESSAGE = "must be a cursor returned by a previous page";

export function cursorParam<S extends z.ZodType>(position: S) {
  return z
    .string()
    .max(1_000, { error: MESSAGE })
    .transform((text, ctx): z.output<S> => {
      const parsed = position.safeParse(decodeCursor(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: MESSAGE });
      return z.NEVER;
    });
}

function decodeCursor(text: string): unknown {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

/** `limit` for every list route: a whole number within bounds, with one message. */
export function limitParam(fallback: number, max: number) {
  const message = `must be a whole number between 1 and ${max}`;
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: message })
    .default(fallback);
}
