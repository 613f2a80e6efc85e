/** Datasets: their versions, schema, row counts and the rows ingest rejected. */
import { html, type Html } from "../html.js";
import type { DatasetDetail } from "../platform-data.js";
import { page, when, type PageContext } from "./layout.js";

/** `/datasets`. */
export function datasetsPage(datasets: DatasetDetail[], ctx: PageContext): Html {
  return page(
    "Datasets",
    ctx,
    datasets.length === 0
      ? html`<p>No dataset is ingested yet. Ingest one with <code>npx ai-platform ingest</code>.</p>`
      : html`<table>
          <caption>
            Ingested datasets
          </caption>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Columns</th>
              <th scope="col">Label</th>
              <th scope="col">Versions</th>
              <th scope="col">Latest version</th>
              <th scope="col">Ingest runs</th>
            </tr>
          </thead>
          <tbody>
            ${datasets.map((d) => {
              const latest = d.versions.at(-1);
              return html`<tr>
                <th scope="row"><a href="/datasets/${encodeURIComponent(d.name)}">${d.name}</a></th>
                <td class="num">${d.schema?.columns.length ?? 0}</td>
                <td>${d.schema?.label ?? ""}</td>
                <td class="num">${d.versions.length}</td>
                <td>${latest ? html`${latest.version}: ${latest.rowCount} rows` : "none"}</td>
                <td class="num">${d.ingestRuns}</td>
              </tr>`;
            })}
          </tbody>
        </table>`,
  );
}

/** `/datasets/:name`. */
export function datasetPage(d: DatasetDetail, ctx: PageContext): Html {
  return page(
    `Dataset ${d.name}`,
    ctx,
    html`<div class="grid">
        <table>
          <caption>
            Schema
          </caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            ${(d.schema?.columns ?? []).map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.name}</th>
                  <td>${c.type}</td>
                  <td>${c.name === d.schema?.label ? "label" : c.name === d.schema?.id ? "id" : "feature"}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <table>
          <caption>
            Versions (snapshots), newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Rows</th>
              <th scope="col">Content hash</th>
              <th scope="col">Through ingest run</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            ${[...d.versions].reverse().map(
              (v) =>
                html`<tr>
                  <th scope="row">${v.version}</th>
                  <td class="num">${v.rowCount}</td>
                  <td><code title="${v.contentHash}">${v.contentHash.slice(0, 12)}</code></td>
                  <td class="num">${v.throughIngestRun}</td>
                  <td>${v.createdBy}<br />${when(v.createdAt)}</td>
                </tr>`,
            )}
            ${
              d.versions.length === 0
                ? html`<tr>
                    <td colspan="5">
                      No version yet: training snapshots the dataset, or
                      <code>npx ai-platform dataset snapshot ${d.name}</code>.
                    </td>
                  </tr>`
                : ""
            }
          </tbody>
        </table>
      </div>
      <h2>Rejected rows</h2>
      ${
        d.rejections.length === 0
          ? html`<p>No ingest run recorded rejected rows (${d.ingestRuns} run${d.ingestRuns === 1 ? "" : "s"}).</p>`
          : d.rejections.map(
              (r) =>
                html`<table>
                  <caption>
                    Ingest run ${r.run} (${when(r.at)}): ${r.rowsRead} read, ${r.written} written, ${r.rejected}
                    rejected
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Line</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${r.sample.map(
                      (s) =>
                        html`<tr>
                          <td class="num">${s.line}</td>
                          <td>${s.reason}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`,
            )
      }`,
  );
}
