import type { DmStatus } from "../../contracts";

/** Display helpers for the console pages: how a value reads, never what it means. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z")
    .replace(/Z$/, " UTC");
}

export function formatUsd(value: number | null | undefined): string {
  return typeof value === "number" ? `$${value.toFixed(value < 0.01 && value > 0 ? 5 : 4)}` : "—";
}

export function formatCount(value: number | null | undefined): string {
  return typeof value === "number" ? value.toLocaleString("en-US") : "—";
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Colour class for a status word: green when all is well, red when someone must act. */
export function tone(status: string | null | undefined): "ok" | "warn" | "bad" | "muted" {
  switch (status) {
    case "sent":
    case "healthy":
    case "recovered":
    case "attempted":
    case "done":
      return "ok";
    case "engine_unavailable_fallback":
    case "rejected":
    case "unknown":
    case "running":
    case "skipped":
    case "error":
      return "warn";
    case "failed_send":
    case "engine_unavailable_failed_send":
    case "unhealthy":
    case "failed":
    case "not_recovered":
      return "bad";
    default:
      return "muted";
  }
}

export const DM_STATUS_LABELS: Record<DmStatus, string> = {
  sent: "Sent",
  failed_send: "Send failed",
  engine_unavailable_fallback: "Fallback (engine unavailable)",
  engine_unavailable_failed_send: "Fallback send failed",
};

export function sessionHref(callerSessionId: string): string {
  return `/sessions/${encodeURIComponent(callerSessionId)}`;
}
