import { exportKeys, type ExportDate } from "../../export";
import type { ExportManifest } from "../../export";
import { fileHref } from "./exports-data";
import { formatBytes, formatCount } from "./format";
import { Layout } from "./layout";

export interface ExportsView {
  today: ExportDate;
  days: ExportDate[];
  selected: { date: ExportDate; manifest: ExportManifest | null } | null;
}

export function ExportsPage(view: ExportsView) {
  return (
    <Layout title="Exports" nav="exports">
      <h1>Audit exports</h1>
      <p class="muted">
        Each day is exported to R2 under <code>audit/dt=YYYY-MM-DD/</code> every hour. Check a download with{" "}
        <code>npm run audit:verify -- &lt;dir&gt;</code>.
      </p>
      <form method="post" action="/exports" class="inline card">
        <label for="date">Export a day now</label>
        <input id="date" name="date" type="date" value={view.today} max={view.today} required />
        <button type="submit">Export</button>
      </form>
      {view.selected ? <ManifestCard date={view.selected.date} manifest={view.selected.manifest} /> : null}
      <h2>Exported days</h2>
      {view.days.length === 0 ? <p class="muted">Nothing exported yet.</p> : null}
      <div class="scroll">
        <table class="export-days">
          <tbody>
            {view.days.map((date) => {
              const keys = exportKeys(date);
              return (
                <tr>
                  <th>
                    <a href={`/exports?date=${date}`}>{date}</a>
                  </th>
                  <td>
                    <a href={fileHref(keys.manifest)}>manifest.json</a>
                  </td>
                  <td>
                    <a href={fileHref(keys.audit_events)}>audit_events.jsonl</a>
                  </td>
                  <td>
                    <a href={fileHref(keys.slack_dm_log)}>slack_dm_log.jsonl</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function ManifestCard(props: { date: ExportDate; manifest: ExportManifest | null }) {
  return (
    <section class="card manifest">
      <h3>{props.date}</h3>
      {props.manifest ? (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>File</th>
                <th>Rows</th>
                <th>Size</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {props.manifest.files.map((file) => (
                <tr>
                  <td>
                    <a href={fileHref(file.key)}>{file.key.split("/").at(-1)}</a>
                  </td>
                  <td class="rows">{formatCount(file.rows)}</td>
                  <td>{formatBytes(file.bytes)}</td>
                  <td>
                    <code>{file.sha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No manifest for this day.</p>
      )}
    </section>
  );
}
