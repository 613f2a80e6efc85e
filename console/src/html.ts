/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already {@link Html}
 * (the output of another `html` template or of {@link raw}). Arrays are joined, `undefined`/`false` render nothing.
 */
import escapeHtml from "escape-html";

/** A fragment of trusted HTML. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false || part === true) return "";
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

/** The tagged template: `html\`<td>${name}</td>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? "";
  parts.forEach((p, i) => (out += render(p) + (strings[i + 1] ?? "")));
  return new Html(out);
}

/** Marks a string as trusted HTML (only for markup this code generated). */
export function raw(value: string): Html {
  return new Html(value);
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no value can close the element. */
export function jsonScript(id: string, value: unknown): Html {
  return raw(
    `<script type="application/json" id="${escapeHtml(id)}">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`,
  );
}

/** A number for display: up to 4 significant decimals, `n/a` when not finite. */
export function num(value: number | undefined, digits = 4): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : String(Number(value.toFixed(digits)));
}
