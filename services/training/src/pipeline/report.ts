/**
 * The training report: one self-contained HTML page (no scripts, inline SVG) with the metrics table, the learning
 * curve, the ROC curve(s) and the confusion matrix, stored with the model.
 */
import type { CurvePoint } from "../ml/model.js";

/** What the report shows. */
export interface ReportInput {
  model: string;
  algorithm: string;
  dataset: string;
  metrics: Record<string, number>;
  hyperparameters: Record<string, number | string | boolean>;
  curve: CurvePoint[];
  curveLabel: string;
  roc?: { label: string; points: { fpr: number; tpr: number }[] }[];
  confusion?: { labels: string[]; matrix: number[][] };
  /** How the task was decided and which columns were left out, and why. */
  notes?: string[];
}

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const W = 360,
  H = 240,
  P = 36;
const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

function lineChart(
  title: string,
  series: { label: string; points: [number, number][] }[],
  xLabel: string,
  yLabel: string,
): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return "";
  const extent = (k: 0 | 1, from: number): [number, number] =>
    all.reduce<[number, number]>(([lo, hi], p) => [Math.min(lo, p[k]), Math.max(hi, p[k])], [from, -Infinity]);
  const [x0, x1] = extent(0, Infinity);
  const [y0, y1] = extent(1, 0);
  const sx = (x: number): number => P + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * P);
  const sy = (y: number): number => H - P - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * P);
  const lines = series.map((s, i) => {
    const pts = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(" ");
    return `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="2" points="${pts}"/><text x="${W - P}" y="${P + 14 * i}" text-anchor="end" fill="${colors[i % colors.length]}" font-size="11">${esc(s.label)}</text>`;
  });
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<line x1="${P}" y1="${H - P}" x2="${W - P}" y2="${H - P}" stroke="#333"/><line x1="${P}" y1="${P}" x2="${P}" y2="${H - P}" stroke="#333"/>
<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">${esc(xLabel)}</text><text x="10" y="${H / 2}" font-size="11" transform="rotate(-90 10 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>
<text x="${P}" y="${H - P + 14}" font-size="10">${x0}</text><text x="${W - P}" y="${H - P + 14}" font-size="10" text-anchor="end">${x1}</text>
<text x="${P - 4}" y="${P}" font-size="10" text-anchor="end">${y1.toPrecision(3)}</text><text x="${P - 4}" y="${H - P}" font-size="10" text-anchor="end">${y0.toPrecision(3)}</text>
${lines.join("\n")}</svg></figure>`;
}

function confusionChart(labels: string[], m: number[][]): string {
  const n = labels.length,
    cell = Math.min(48, 240 / Math.max(1, n)),
    max = Math.max(1, ...m.flat());
  const cells = m.flatMap((row, i) =>
    row.map((v, j) => {
      const shade = Math.round(255 - (v / max) * 200);
      return `<rect x="${90 + j * cell}" y="${30 + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/><text x="${90 + j * cell + cell / 2}" y="${30 + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="12">${v}</text>`;
    }),
  );
  const axes = labels.map(
    (l, i) =>
      `<text x="86" y="${30 + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${esc(l)}</text><text x="${90 + i * cell + cell / 2}" y="24" text-anchor="middle" font-size="11">${esc(l)}</text>`,
  );
  return `<figure><figcaption>Confusion matrix (rows: true, columns: predicted)</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${100 + n * cell}" height="${40 + n * cell}" role="img" aria-label="confusion matrix">${axes.join("")}${cells.join("")}</svg></figure>`;
}

/** Renders the report. */
export function renderReport(r: ReportInput): string {
  const rows = Object.entries(r.metrics)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${Number.isFinite(v) ? v.toFixed(4) : "n/a"}</td></tr>`)
    .join("");
  const hp = Object.entries(r.hyperparameters)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`)
    .join("");
  const curve = lineChart(
    "Learning curve",
    [
      { label: "train", points: r.curve.map((p) => [p.step, p.train]) },
      { label: "validation", points: r.curve.map((p) => [p.step, p.validation]) },
    ],
    r.algorithm === "forest" ? "trees" : "epoch",
    r.curveLabel,
  );
  const roc = r.roc
    ? lineChart(
        "ROC (test split)",
        [
          ...r.roc.map((c) => ({ label: c.label, points: c.points.map((p) => [p.fpr, p.tpr] as [number, number]) })),
          {
            label: "chance",
            points: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
        "false positive rate",
        "true positive rate",
      )
    : "";
  const cm = r.confusion ? confusionChart(r.confusion.labels, r.confusion.matrix) : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.model)} training report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}figure{display:inline-block;margin:1rem}</style></head>
<body><h1>${esc(r.model)}: ${esc(r.algorithm)} on ${esc(r.dataset)}</h1><h2>Test-split metrics</h2><table>${rows}</table><h2>Hyperparameters</h2><table>${hp}</table>${r.notes?.length ? `<h2>Data notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}${curve}${roc}${cm}</body></html>`;
}
