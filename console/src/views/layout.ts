/** The page frame every view shares: skip link, navigation, who is signed in, a status message, the content. */
import type { Viewer } from "../access.js";
import { html, type Html } from "../html.js";

/** What a page needs besides its content. */
export interface PageContext {
  viewer: Viewer;
  /** Which navigation entry is current. */
  section: "models" | "datasets" | "serving" | "audit";
  /** A message for the status region (the outcome of the last action). */
  notice?: string;
  /** Load the charting script (only pages with charts pay for it). */
  charts?: boolean;
}

const sections = [
  ["models", "/", "Models"],
  ["datasets", "/datasets", "Datasets"],
  ["serving", "/serving", "Serving"],
  ["audit", "/audit", "Audit trail"],
] as const;

/** A whole HTML page. */
export function page(title: string, ctx: PageContext, content: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · AI platform console</title>
        <link rel="stylesheet" href="/assets/console.css" />
        ${
          ctx.charts
            ? html`<link rel="stylesheet" href="/assets/uPlot.min.css" />
                <script src="/assets/uPlot.iife.min.js" defer></script>
                <script src="/assets/charts.js" defer></script>`
            : ""
        }
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <span class="brand">AI platform console</span>
          <nav aria-label="Sections">
            <ul>
              ${sections.map(
                ([key, href, label]) =>
                  html`<li>
                    <a href="${href}" ${key === ctx.section ? html` aria-current="page"` : ""}>${label}</a>
                  </li>`,
              )}
            </ul>
          </nav>
          <span class="who"
            >${
              ctx.viewer.canAct
                ? html`Operator: <strong>${ctx.viewer.actor}</strong>`
                : html`<span class="badge">Read-only</span> you can view, not act`
            }</span
          >
        </header>
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${ctx.notice ? html`<p class="notice" role="status">${ctx.notice}</p>` : ""} ${content}
        </main>
      </body>
    </html>`;
}

/** An ISO timestamp shown as `YYYY-MM-DD HH:MM:SS UTC` inside a `<time>`. */
export function when(iso: string): Html {
  return html`<time datetime="${iso}"
    >${iso
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z")
      .replace("Z", " UTC")}</time
  >`;
}
