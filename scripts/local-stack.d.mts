import type { FakeWorld } from "../test/fakes/world.ts";

export interface LocalStackOptions {
  port?: number;
  worldPort?: number;
  vars?: Record<string, string>;
  persistTo?: string;
  /** A state prepared by `migrateLocalState`, copied in instead of migrating again; not with `persistTo`. */
  migratedFrom?: string;
  /** Bearer token of the stack's MCP caller `local`; a random one when absent. */
  mcpToken?: string;
  log?: (line: string) => void;
  onWorkerLog?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  world: FakeWorld;
  worldUrl: string;
  operatorToken: string;
  /** The MCP caller `local` (both mutating caps): connect with `Authorization: Bearer <mcpToken>`. */
  mcpToken: string;
  mcpUrl: string;
  persistTo: string;
  vars: Record<string, string>;
  fireCron(cron: string, time?: number): Promise<void>;
  api<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

export function startLocalStack(options?: LocalStackOptions): Promise<LocalStack>;

export function migrateLocalState(persistTo: string): void;
