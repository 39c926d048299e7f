// A few DOM helpers shared by the dashboard and the MCP App: elements built with text, never HTML strings.
import type { AssignmentView } from "../view-types.js";

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

export function percent(value: number): number {
  return Math.round(Math.max(0, Math.min(1, value)) * 100);
}

/** A labelled progress bar screen readers announce as such. */
export function progressBar(value: number, label: string, attrs: Attrs = {}): HTMLElement {
  const pct = percent(value);
  const fill = h("span", { class: "bar-fill" });
  fill.style.width = `${pct}%`;
  return h(
    "span",
    {
      class: "bar",
      role: "progressbar",
      "aria-label": label,
      "aria-valuemin": 0,
      "aria-valuemax": 100,
      "aria-valuenow": pct,
      "aria-valuetext": `${pct}%`,
      ...attrs,
    },
    fill,
  );
}

export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `badge state-${state}` }, state.replace("_", " "));
}

/** "3 min ago" from an ISO time; the absolute time is in the element's title. */
export function age(iso: string, now = Date.now()): HTMLElement {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const text =
    s < 60
      ? `${s}s ago`
      : s < 3600
        ? `${Math.round(s / 60)} min ago`
        : s < 86400
          ? `${Math.round(s / 3600)} h ago`
          : `${Math.round(s / 86400)} d ago`;
  return h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, text);
}

function tokens(n: number | null): string {
  return n === null ? "–" : n.toLocaleString("en-US");
}

/** Assignments with live progress, attempts, stall flag, estimate and actual tokens. */
export function assignmentTable(assignments: readonly AssignmentView[], caption: string): HTMLElement {
  const rows = assignments.map((a) =>
    h(
      "tr",
      { "data-assignment": a.id },
      h(
        "th",
        { scope: "row" },
        h("span", { class: "mono" }, a.id),
        h("br"),
        h("span", { class: "muted" }, a.role),
      ),
      h("td", {}, stateBadge(a.state), a.stalled ? h("span", { class: "badge stalled" }, "stalled") : null),
      h(
        "td",
        { class: "progress-cell" },
        progressBar(a.progress, `${a.id} progress`, { "data-progress": a.id }),
        h(
          "span",
          { class: "muted" },
          ` ${percent(a.progress)}% · ${a.deliverables_done}/${a.deliverables_total} files`,
        ),
      ),
      h("td", {}, String(a.attempts)),
      h("td", { class: "num" }, tokens(a.estimated_tokens)),
      h("td", { class: "num" }, tokens(a.tokens_used)),
    ),
  );
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", { class: "sr-only" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Assignment", "State", "Progress", "Attempt", "Estimate (tokens)", "Actual (tokens)"].map((c) =>
            h("th", { scope: "col" }, c),
          ),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}
