/** The promotion preview: the gate's comparison, and a confirmation form when it passes. */
import type { PromoteResult } from "@ai-platform/training";
import { html, num, type Html } from "../html.js";
import { page, type PageContext } from "./layout.js";

/** `/models/:name/versions/:v/promote`. */
export function promotePage(name: string, gate: PromoteResult, csrfToken: string, ctx: PageContext): Html {
  const base = `/models/${encodeURIComponent(name)}`;
  const c = gate.comparison;
  return page(
    `Promote ${name} v${gate.version} to ${gate.alias}`,
    ctx,
    html`<section aria-labelledby="gate-h" class="gate ${gate.wouldPromote ? "pass" : "fail"}">
        <h2 id="gate-h">The promotion gate</h2>
        ${
          c
            ? html`<table>
                <caption>
                  Gate metric on the candidate's ${c.rows} held-out rows (both run through onnxruntime)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Candidate v${gate.version}</th>
                    <th scope="col">Production v${gate.previous}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">${c.metric}</th>
                    <td>${num(c.candidate)}</td>
                    <td>${num(c.current)}</td>
                  </tr>
                </tbody>
              </table>`
            : html`<p>No production version to compare with: the first promotion is not gated.</p>`
        }
        <p class="verdict" role="status">
          <strong>${gate.wouldPromote ? "Gate passed." : "Gate refused."}</strong> ${gate.message}
        </p>
      </section>
      ${
        gate.wouldPromote
          ? html`<form method="post" action="${base}/versions/${gate.version}/promote">
              <input type="hidden" name="_csrf" value="${csrfToken}" />
              <p>
                <label for="reason">Reason (recorded in the audit trail, optional)</label><br />
                <input id="reason" name="reason" type="text" maxlength="200" size="60" />
              </p>
              <button type="submit">Confirm: promote v${gate.version} to ${gate.alias}</button>
              <a href="${base}/versions/${gate.version}">Cancel</a>
            </form>`
          : html`<p><a href="${base}/versions/${gate.version}">Back to v${gate.version}</a></p>`
      }`,
  );
}
