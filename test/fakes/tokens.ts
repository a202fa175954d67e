/** Bearer-token checks shared by the provider fakes. */

/** `Authorization: Bearer <token>`: the token, or undefined when the header is missing or malformed. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  return match?.[1];
}

/** An allow-list of tokens; empty means any non-empty token opens the door. */
export function tokenAccepted(token: string | undefined, validTokens: string[]): boolean {
  return token !== undefined && (validTokens.length === 0 || validTokens.includes(token));
}
