/** The audit trail: every registration, alias change, traffic split and pipeline decision, newest first. */
import type { RegistryEvent } from "@ai-platform/registry";
import { html, type Html } from "../html.js";
import { page, when, type PageContext } from "./layout.js";

/** `/audit[?model=]`. */
export function auditPage(
  events: RegistryEvent[],
  models: string[],
  model: string | undefined,
  ctx: PageContext,
): Html {
  return page(
    "Audit trail",
    ctx,
    html`<form method="get" action="/audit" class="inline">
        <label for="model">Model</label>
        <select id="model" name="model">
          <option value="">all models</option>
          ${models.map((m) => html`<option${m === model ? html` selected` : ""}>${m}</option>`)}
        </select>
        <button type="submit">Show</button>
      </form>
      <table>
        <caption>
          ${events.length} event${events.length === 1 ? "" : "s"}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Model</th>
            <th scope="col">Action</th>
            <th scope="col">Who</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          ${events.map(
            (e) =>
              html`<tr>
                <td>${when(e.at)}</td>
                <td><a href="/models/${encodeURIComponent(e.name)}">${e.name}</a></td>
                <td>
                  ${
                    e.action === "register"
                      ? html`registered v${e.version}`
                      : e.action === "set-traffic"
                        ? html`traffic:
                          ${e.traffic?.canary ? `v${e.traffic.canary.version} at ${e.traffic.canary.weight * 100}%` : "all to the alias"}${e.traffic?.shadow ? `, shadow v${e.traffic.shadow.version}` : ""}`
                        : e.action === "pipeline"
                          ? html`pipeline:
                            ${e.decision ?? ""}${e.version ? ` v${e.version}` : ""}${
                              e.figures
                                ? ` (${Object.entries(e.figures)
                                    .map(([k, v]) => `${k}=${typeof v === "number" ? Number(v.toFixed(4)) : v}`)
                                    .join(", ")})`
                                : ""
                            }`
                          : html`<span class="alias alias-${e.alias}">${e.alias}</span> →
                              v${e.version}${e.previousVersion === undefined ? "" : html` (was v${e.previousVersion})`}`
                  }
                </td>
                <td>${e.actor}</td>
                <td>${e.reason ?? ""}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}
