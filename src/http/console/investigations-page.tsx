import type { InvestigationRow } from "../../audit/investigations";
import { DM_STATUS_LABELS, formatTime, formatUsd, sessionHref, tone } from "./format";
import { Layout } from "./layout";
import { DmStatus } from "../../contracts";

export interface InvestigationsView {
  dm_status: DmStatus | undefined;
  rows: InvestigationRow[];
  next_cursor: string | null;
}

function chipHref(dmStatus: DmStatus | undefined, cursor?: string): string {
  const query = new URLSearchParams();
  if (dmStatus) query.set("dm_status", dmStatus);
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text ? `/investigations?${text}` : "/investigations";
}

export function InvestigationsPage(view: InvestigationsView) {
  const chips: [DmStatus | undefined, string][] = [
    [undefined, "All"],
    ...DmStatus.options.map((status): [DmStatus, string] => [status, DM_STATUS_LABELS[status]]),
  ];
  return (
    <Layout title="Investigations" nav="investigations">
      <h1>Investigations</h1>
      <ul class="chips" aria-label="Filter by DM status">
        {chips.map(([status, label]) => (
          <li>
            <a class="chip" href={chipHref(status)} aria-current={view.dm_status === status ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      {view.rows.length === 0 ? (
        <p class="muted">No investigations{view.dm_status ? ` with DM status ${view.dm_status}` : ""} yet.</p>
      ) : (
        view.rows.map((row) => <InvestigationCard row={row} />)
      )}
      {view.next_cursor ? (
        <p class="pager">
          <a href={chipHref(view.dm_status, view.next_cursor)}>Older investigations →</a>
        </p>
      ) : null}
    </Layout>
  );
}

function InvestigationCard({ row }: { row: InvestigationRow }) {
  return (
    <article
      class="card investigation"
      data-wake-id={row.wake_id}
      data-target={row.target}
      data-dm-status={row.dm_status ?? ""}
    >
      <h3>
        <a href={sessionHref(row.caller_session_id)}>
          {row.probe} · {row.target}
        </a>
        <span class={`badge ${tone(row.status)}`}>{row.status}</span>
        {row.dm_status ? <span class={`badge dm-status ${tone(row.dm_status)}`}>{row.dm_status}</span> : null}
      </h3>
      <p class="meta">
        {formatTime(row.claimed_at)} · {row.model ?? "no model"} · {formatUsd(row.cost_usd)}
      </p>
      {row.summary ? <p>{row.summary}</p> : null}
    </article>
  );
}
