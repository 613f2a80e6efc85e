/** Two versions side by side: stored metrics, the same held-out rows through both, confusion matrices, parity. */
import type { ModelVersion } from "@ai-platform/registry";
import type { VersionComparison } from "@ai-platform/training";
import { html, num, type Html } from "../html.js";
import { page, type PageContext } from "./layout.js";
import { parityCell } from "./version.js";

function confusionTable(labels: string[], matrix: number[][], caption: string): Html {
  return html`<table class="confusion">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <td></td>
        ${labels.map((l) => html`<th scope="col">pred. ${l}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${matrix.map(
        (row, i) =>
          html`<tr>
            <th scope="row">true ${labels[i]}</th>
            ${row.map((n, j) => html`<td class="${i === j ? "diag" : n > 0 ? "off" : ""}">${n}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** `/models/:name/compare?a=&b=`. */
export function comparePage(
  a: ModelVersion,
  b: ModelVersion,
  evaluation: VersionComparison | { error: string },
  parityTolerance: number,
  ctx: PageContext,
): Html {
  const keys = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].filter(
    (k) => k !== "parity_max_abs_diff",
  );
  const hp = [...new Set([...Object.keys(a.hyperparameters), ...Object.keys(b.hyperparameters)])];
  const head = html`<thead>
    <tr>
      <th scope="col"></th>
      <th scope="col">v${a.version}</th>
      <th scope="col">v${b.version}</th>
    </tr>
  </thead>`;
  const delta = (x: number | undefined, y: number | undefined): Html =>
    x !== undefined && y !== undefined && x !== y
      ? html` <span class="delta">(${y > x ? "+" : ""}${num(y - x)})</span>`
      : html``;
  return page(
    `${a.name}: v${a.version} vs v${b.version}`,
    ctx,
    html`<p><a href="/models/${encodeURIComponent(a.name)}">all versions of ${a.name}</a></p>
      <div class="grid">
        <table>
          <caption>
            Metrics recorded at training (each on its own test split)
          </caption>
          ${head}
          <tbody>
            ${keys.map(
              (k) =>
                html`<tr>
                  <th scope="row">${k}</th>
                  <td>${num(a.metrics[k])}</td>
                  <td>${num(b.metrics[k])}${delta(a.metrics[k], b.metrics[k])}</td>
                </tr>`,
            )}
            <tr>
              <th scope="row">parity</th>
              <td>${parityCell(a, parityTolerance)}</td>
              <td>${parityCell(b, parityTolerance)}</td>
            </tr>
          </tbody>
        </table>
        <table>
          <caption>
            Parameters and lineage
          </caption>
          ${head}
          <tbody>
            <tr>
              <th scope="row">algorithm</th>
              <td>${a.algorithm}</td>
              <td>${b.algorithm}</td>
            </tr>
            ${hp.map(
              (k) =>
                html`<tr>
                  <th scope="row">${k}</th>
                  <td>${String(a.hyperparameters[k] ?? "")}</td>
                  <td>${String(b.hyperparameters[k] ?? "")}</td>
                </tr>`,
            )}
            <tr>
              <th scope="row">dataset</th>
              <td>${a.dataset.name} ${a.dataset.version}</td>
              <td>${b.dataset.name} ${b.dataset.version}</td>
            </tr>
            <tr>
              <th scope="row">content hash</th>
              <td><code>${a.dataset.contentHash.slice(0, 12)}</code></td>
              <td><code>${b.dataset.contentHash.slice(0, 12)}</code></td>
            </tr>
            <tr>
              <th scope="row">registered by</th>
              <td>${a.createdBy}</td>
              <td>${b.createdBy}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <h2>On the same held-out rows</h2>
      ${
        "error" in evaluation
          ? html`<p class="notice" role="status">Could not evaluate both on the same rows: ${evaluation.error}</p>`
          : html`<p>
                Both versions run through onnxruntime on the ${evaluation.rows} held-out rows of v${evaluation.base}, as
                the promotion gate does.
              </p>
              <div class="grid">
                <table>
                  <caption>
                    Metrics on the same rows
                  </caption>
                  ${head}
                  <tbody>
                    ${Object.keys(evaluation.evaluations[0]?.metrics ?? {}).map((k) => {
                      const [x, y] = [evaluation.evaluations[0]?.metrics[k], evaluation.evaluations[1]?.metrics[k]];
                      return html`<tr>
                        <th scope="row">${k}</th>
                        <td>${num(x)}</td>
                        <td>${num(y)}${delta(x, y)}</td>
                      </tr>`;
                    })}
                  </tbody>
                </table>
                ${evaluation.evaluations.map((e) =>
                  e.confusion && evaluation.labels
                    ? confusionTable(evaluation.labels, e.confusion, `Confusion matrix of v${e.version}`)
                    : "",
                )}
              </div>`
      }`,
  );
}
