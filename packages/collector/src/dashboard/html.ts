/**
 * A tiny HTML template: `html\`<p>${value}</p>\`` escapes every interpolated
 * value unless it is itself html (or a list of html), so no label from the
 * store (a route, an error code, an additionalData value) can inject markup.
 */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** JSON for a `<script type="application/json">`: `<` escaped so no `</script>` can close it early. */
export const jsonScript = (value: unknown): Html => new Html(JSON.stringify(value).replace(/</g, "\\u003c"));
