/** One version: metrics, parameters, lineage, artifact, parity, its training report, and the promote entry. */
import type { ModelVersion } from "@ai-platform/registry";
import { html, num, type Html } from "../html.js";
import { aliasBadges } from "./models.js";
import { page, when, type PageContext } from "./layout.js";

/** The export parity result recorded with a version's metrics (training fails a version whose parity fails). */
export function parityCell(v: ModelVersion, tolerance: number): Html {
  const diff = v.metrics.parity_max_abs_diff;
  if (diff === undefined) return html`<span class="muted">not recorded</span>`;
  return diff <= tolerance
    ? html`<span class="ok">passed</span>: max |ONNX − trained| = ${num(diff, 8)} ≤ ${tolerance}`
    : html`<span class="bad">failed</span>: max |ONNX − trained| = ${num(diff, 8)} &gt; ${tolerance}`;
}

/** A two-column table of key/value pairs. */
export function kvTable(caption: string, entries: [string, unknown][]): Html {
  return html`<table class="kv">
    <caption>
      ${caption}
    </caption>
    <tbody>
      ${entries.map(
        ([k, v]) =>
          html`<tr>
            <th scope="row">${k}</th>
            <td>${typeof v === "number" ? num(v) : String(v)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** `/models/:name/versions/:v`. */
export function versionPage(
  v: ModelVersion,
  aliases: Record<string, number>,
  parityTolerance: number,
  ctx: PageContext,
): Html {
  const name = encodeURIComponent(v.name);
  return page(
    `${v.name} v${v.version}`,
    ctx,
    html`<p>
        ${aliasBadges(aliases, v.version)}<span class="status">${v.status}</span> · ${v.task} · ${v.algorithm} ·
        <a href="/models/${name}">all versions</a>${
          v.report ? html` · <a href="/models/${name}/versions/${v.version}/report">training report</a>` : ""
        }
      </p>
      ${
        ctx.viewer.canAct && aliases.production !== v.version
          ? html`<p>
              <a class="button" href="/models/${name}/versions/${v.version}/promote"
                >Promote v${v.version} to production…</a
              >
            </p>`
          : ""
      }
      <div class="grid">
        ${kvTable(
          "Metrics (untouched test split)",
          Object.entries(v.metrics).filter(([k]) => k !== "parity_max_abs_diff"),
        )}
        ${kvTable("Hyperparameters", Object.entries(v.hyperparameters))}
        <table class="kv">
          <caption>
            Lineage
          </caption>
          <tbody>
            <tr>
              <th scope="row">Dataset</th>
              <td>
                <a href="/datasets/${encodeURIComponent(v.dataset.name)}">${v.dataset.name}</a> version
                ${v.dataset.version}
              </td>
            </tr>
            <tr>
              <th scope="row">Rows</th>
              <td>${v.dataset.rowCount}</td>
            </tr>
            <tr>
              <th scope="row">Content hash</th>
              <td><code>${v.dataset.contentHash}</code></td>
            </tr>
            <tr>
              <th scope="row">Registered by</th>
              <td>${v.createdBy}</td>
            </tr>
            <tr>
              <th scope="row">Registered at</th>
              <td>${when(v.createdAt)}</td>
            </tr>
          </tbody>
        </table>
        <table class="kv">
          <caption>
            Artifact
          </caption>
          <tbody>
            <tr>
              <th scope="row">ONNX</th>
              <td><code>${v.artifact.uri}</code></td>
            </tr>
            <tr>
              <th scope="row">sha256</th>
              <td><code>${v.artifact.sha256}</code></td>
            </tr>
            <tr>
              <th scope="row">Size</th>
              <td>${v.artifact.sizeBytes} bytes, opset ${v.artifact.opset}</td>
            </tr>
            <tr>
              <th scope="row">Parity</th>
              <td>${parityCell(v, parityTolerance)}</td>
            </tr>
            <tr>
              <th scope="row">Inputs</th>
              <td>
                ${v.signature.inputs.map((t) => html`<code>${t.name} ${t.datatype} [${t.shape.join(", ")}]</code> `)}
              </td>
            </tr>
            <tr>
              <th scope="row">Held-out rows</th>
              <td>${v.evaluation ? v.evaluation.rows : "not recorded"}</td>
            </tr>
          </tbody>
        </table>
      </div>
      ${
        v.report
          ? html`<h2>Training report</h2>
              <iframe
                class="report"
                title="Training report of ${v.name} v${v.version}"
                sandbox
                src="/models/${name}/versions/${v.version}/report"
              ></iframe>`
          : ""
      }`,
  );
}
