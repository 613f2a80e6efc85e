/** The models list and one model's versions, aliases and lineage. */
import type { ModelVersion } from "@ai-platform/registry";
import { html, num, type Html } from "../html.js";
import type { ModelDetail } from "../platform-data.js";
import { page, when, type PageContext } from "./layout.js";

const preferred = ["accuracy", "f1_macro", "roc_auc", "log_loss", "r2", "mse", "mae"];

/** Up to three headline metrics of a version, in a stable order. */
export function headlineMetrics(v: ModelVersion): [string, number][] {
  const keys = Object.keys(v.metrics).filter((k) => k !== "parity_max_abs_diff");
  keys.sort((a, b) => (preferred.indexOf(a) + 1 || 99) - (preferred.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return keys.slice(0, 3).map((k) => [k, v.metrics[k] as number]);
}

/** The aliases pointing at `version`, as badges. */
export function aliasBadges(aliases: Record<string, number>, version: number): Html {
  return html`${Object.entries(aliases)
    .filter(([, v]) => v === version)
    .map(([a]) => html`<span class="alias alias-${a}">${a}</span> `)}`;
}

/** `/`: every model, its version count, aliases and production metrics. */
export function modelsPage(models: ModelDetail[], ctx: PageContext): Html {
  const rows = models.map((m) => {
    const latest = m.versions.at(-1) as ModelVersion;
    const prod =
      m.aliases.production === undefined ? undefined : m.versions.find((v) => v.version === m.aliases.production);
    return html`<tr>
      <th scope="row"><a href="/models/${encodeURIComponent(m.name)}">${m.name}</a></th>
      <td class="num">${m.versions.length}</td>
      <td>${Object.entries(m.aliases).map(([a, v]) => html`<span class="alias alias-${a}">${a}</span> v${v} `)}</td>
      <td>v${latest.version} ${when(latest.createdAt)}</td>
      <td>${prod ? headlineMetrics(prod).map(([k, v]) => html`${k} ${num(v)} `) : "no production version"}</td>
    </tr>`;
  });
  return page(
    "Models",
    ctx,
    models.length === 0
      ? html`<p>No models are registered yet. Train one with <code>npx ai-platform train</code>.</p>`
      : html`<table>
          <caption>
            Registered models
          </caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Versions</th>
              <th scope="col">Aliases</th>
              <th scope="col">Latest</th>
              <th scope="col">Production metrics</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`,
  );
}

/** `/models/:name`: versions with aliases, metrics and lineage; compare two; roll back (operators). */
export function modelPage(m: ModelDetail, ctx: PageContext & { csrfToken?: string }): Html {
  const name = encodeURIComponent(m.name);
  const newestFirst = [...m.versions].reverse();
  const options = (selected: number | undefined) =>
    newestFirst.map(
      (v) => html`<option value="${v.version}" ${v.version === selected ? html` selected` : ""}>v${v.version}</option>`,
    );
  const prod = m.aliases.production;
  const rows = newestFirst.map(
    (v) =>
      html`<tr>
        <th scope="row"><a href="/models/${name}/versions/${v.version}">v${v.version}</a></th>
        <td>${aliasBadges(m.aliases, v.version)}<span class="status">${v.status}</span></td>
        <td>${v.algorithm}</td>
        <td>${headlineMetrics(v).map(([k, n]) => html`<span class="metric">${k} <b>${num(n)}</b></span> `)}</td>
        <td>
          <a href="/datasets/${encodeURIComponent(v.dataset.name)}">${v.dataset.name}</a> ${v.dataset.version} ·
          ${v.dataset.rowCount} rows ·
          <code>${v.dataset.contentHash.slice(0, 12)}</code>
        </td>
        <td>${v.createdBy}<br />${when(v.createdAt)}</td>
      </tr>`,
  );
  return page(
    `Model ${m.name}`,
    ctx,
    html`<section aria-labelledby="aliases-h">
        <h2 id="aliases-h">Aliases</h2>
        <ul class="aliases">
          ${Object.entries(m.aliases).map(
            ([a, v]) =>
              html`<li>
                <span class="alias alias-${a}">${a}</span> → <a href="/models/${name}/versions/${v}">v${v}</a>
              </li>`,
          )}
        </ul>
        ${
          ctx.viewer.canAct && prod !== undefined
            ? html`<form method="post" action="/models/${name}/rollback" class="inline">
                <input type="hidden" name="_csrf" value="${ctx.csrfToken}" />
                <button type="submit" class="danger">Roll back production (now v${prod})</button>
              </form>`
            : ""
        }
      </section>
      <section aria-labelledby="compare-h">
        <h2 id="compare-h">Compare two versions</h2>
        <form method="get" action="/models/${name}/compare" class="inline">
          <label for="cmp-a">Version</label>
          <select id="cmp-a" name="a">
            ${options(prod ?? m.versions.at(-2)?.version)}
          </select>
          <label for="cmp-b">with</label>
          <select id="cmp-b" name="b">
            ${options(m.versions.at(-1)?.version)}
          </select>
          <button type="submit">Compare</button>
        </form>
      </section>
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions (${m.versions.length})</h2>
        <table>
          <caption>
            Versions of ${m.name}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Aliases / status</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Metrics (test split)</th>
              <th scope="col">Dataset (lineage)</th>
              <th scope="col">Registered by</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </section>`,
  );
}
