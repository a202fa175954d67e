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
    case "resolved":
      return "ok";
    case "engine_unavailable_fallback":
    case "rejected":
    case "unknown":
    case "running":
    case "skipped":
    case "error":
    case "open":
      return "warn";
    case "failed_send":
    case "engine_unavailable_failed_send":
    case "unhealthy":
    case "failed":
    case "not_recovered":
    case "escalated":
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

export function incidentHref(incidentId: string): string {
  return `/incidents/${encodeURIComponent(incidentId)}`;
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h": as long as it needs to be, no longer. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "10:02 UTC", with the date in front when it is not the same UTC day as `reference`. */
export function formatClock(ms: number, reference: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(reference).toISOString().slice(0, 10);
  return `${sameDay ? "" : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
