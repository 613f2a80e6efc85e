/**
 * Serving: which version each alias serves, the versions the inference service has loaded with their traffic share,
 * request rate, latency and errors, shadow agreement, and drift (PSI per feature over time), all from the
 * service's own `/metrics`.
 */
import type { TrafficSplit } from "@ai-platform/registry";
import { html, jsonScript, num, type Html } from "../html.js";
import { ratesBetween, type MetricsSample } from "../serving-metrics.js";
import { page, type PageContext } from "./layout.js";

/** A model and where its aliases point. */
export interface ServedModel {
  name: string;
  aliases: Record<string, number>;
  /** The registry's traffic split, which the inference service follows. */
  traffic: TrafficSplit;
}

/** What the serving page shows. */
export interface ServingInput {
  models: ServedModel[];
  inferenceUrl: string | undefined;
  history: readonly MetricsSample[];
  scrapeError: string | undefined;
}

/** How a PSI value is usually read. */
export function psiLevel(psi: number): "stable" | "moderate" | "significant" {
  return psi < 0.1 ? "stable" : psi < 0.25 ? "moderate" : "significant";
}

function chart(id: string, title: string, x: number[], series: { label: string; values: (number | null)[] }[]): Html {
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div class="plot" data-chart="${id}" role="img" aria-label="${title}"></div>
    ${jsonScript(id, { x, series })}
  </figure>`;
}

function modelSection(m: ServedModel, input: ServingInput): Html {
  const samples = input.history;
  const last = samples.at(-1);
  const prev = samples.at(-2);
  const served = last?.models[m.name] ?? {};
  const rates = last && prev ? (ratesBetween(prev, last)[m.name] ?? {}) : {};
  const totalSuccess = Object.values(served).reduce((s, v) => s + v.success, 0);
  const versions = Object.keys(served).sort((a, b) => Number(a) - Number(b));
  const x = samples.map((s) => Math.round(s.at / 1000));
  const psiCharts = versions
    .filter((v) => Object.keys(served[v]?.psi ?? {}).length > 0)
    .map((v) => {
      const features = Object.keys(served[v]?.psi ?? {});
      return chart(
        `psi-${m.name}-${v}`,
        `Drift of v${v}: PSI per feature over time (0.1 moderate, 0.25 significant)`,
        x,
        features.map((f) => ({ label: f, values: samples.map((s) => s.models[m.name]?.[v]?.psi[f] ?? null) })),
      );
    });
  const rateSeries = versions.map((v) => ({
    label: `v${v} requests/s`,
    values: samples.map((s, i) => {
      const before = samples[i - 1];
      return before ? (ratesBetween(before, s)[m.name]?.[v]?.requestsPerSecond ?? null) : null;
    }),
  }));
  return html`<section aria-labelledby="srv-${m.name}">
    <h2 id="srv-${m.name}">${m.name}</h2>
    <p>
      Aliases: ${Object.entries(m.aliases).map(([a, v]) => html`<span class="alias alias-${a}">${a}</span> v${v} `)}
    </p>
    <p>
      Traffic split (registry):
      ${
        m.traffic.canary
          ? html`canary <strong>v${m.traffic.canary.version}</strong> at
              <strong>${num(100 * m.traffic.canary.weight, 1)}%</strong>`
          : "no canary"
      };
      ${m.traffic.shadow ? html`shadow <strong>v${m.traffic.shadow.version}</strong>` : "no shadow"}.
    </p>
    ${
      versions.length === 0
        ? html`<p>The inference service reports no loaded version of ${m.name}.</p>`
        : html`<table>
              <caption>
                Versions loaded by the inference service
              </caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Ready</th>
                  <th scope="col">Traffic share</th>
                  <th scope="col">Requests/s</th>
                  <th scope="col">Mean latency</th>
                  <th scope="col">Errors/s</th>
                  <th scope="col">Requests (total)</th>
                  <th scope="col">Failures (total)</th>
                  <th scope="col">Shadow agreement</th>
                  <th scope="col">Max PSI</th>
                </tr>
              </thead>
              <tbody>
                ${versions.map((v) => {
                  const c = served[v]!;
                  const r = rates[v];
                  const shadow = Object.entries(c.shadow).map(([challenger, counts]) => {
                    const total = Object.values(counts).reduce((s, n) => s + n, 0);
                    return html`v${challenger}: ${num((100 * (counts.agree ?? 0)) / Math.max(1, total), 1)}% of ${total} `;
                  });
                  const psiValues = Object.values(c.psi);
                  const maxPsi = psiValues.length ? Math.max(...psiValues) : undefined;
                  return html`<tr>
                    <th scope="row">
                      v${v}
                      ${Object.entries(m.aliases)
                        .filter(([, n]) => String(n) === v)
                        .map(([a]) => html`<span class="alias alias-${a}">${a}</span> `)}
                    </th>
                    <td>${c.ready ? "yes" : "no"}</td>
                    <td class="num">
                      ${totalSuccess > 0 ? `${num((100 * c.success) / totalSuccess, 1)}%` : "no traffic yet"}
                    </td>
                    <td class="num">${r ? num(r.requestsPerSecond, 2) : "n/a"}</td>
                    <td class="num">${r?.meanLatencyMs === undefined ? "n/a" : `${num(r.meanLatencyMs, 2)} ms`}</td>
                    <td class="num">${r ? num(r.errorsPerSecond, 2) : "n/a"}</td>
                    <td class="num">${c.success}</td>
                    <td class="num">${c.failure}</td>
                    <td>${shadow.length ? shadow : "no shadow"}</td>
                    <td>
                      ${maxPsi === undefined ? "no rows yet" : html`${num(maxPsi)} <span class="psi-${psiLevel(maxPsi)}">${psiLevel(maxPsi)}</span>`}
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
            ${versions.map((v) => {
              const psi = Object.entries(served[v]?.psi ?? {});
              return psi.length === 0
                ? ""
                : html`<table class="kv">
                    <caption>
                      Drift of v${v} now: PSI per feature
                    </caption>
                    <tbody>
                      ${psi.map(
                        ([f, p]) =>
                          html`<tr>
                            <th scope="row">${f}</th>
                            <td>${num(p)} <span class="psi-${psiLevel(p)}">${psiLevel(p)}</span></td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`;
            })}
            <div class="grid">
              ${samples.length > 1 ? chart(`rate-${m.name}`, `Requests per second by version`, x, rateSeries) : ""}${psiCharts}
            </div>`
    }
  </section>`;
}

/** `/serving`. */
export function servingPage(input: ServingInput, ctx: PageContext): Html {
  const last = input.history.at(-1);
  return page(
    "Serving",
    ctx,
    html`${
      input.inferenceUrl === undefined
        ? html`<p class="notice" role="status">
            No inference service is configured for this console (CONSOLE_INFERENCE_URL).
          </p>`
        : html`<p>
            From <code>${input.inferenceUrl}/metrics</code>: ${input.history.length}
            sample${input.history.length === 1 ? "" : "s"}${
              last
                ? html`, the last at
                    <time datetime="${new Date(last.at).toISOString()}">${new Date(last.at).toISOString()}</time>`
                : ""
            }.
            Canary traffic shows as the share of each loaded version; shadow versions as agreement with the primary.
          </p>`
    }
    ${input.scrapeError ? html`<p class="notice" role="status">Could not read metrics: ${input.scrapeError}</p>` : ""}
    ${input.models.map((m) => modelSection(m, input))}`,
  );
}
