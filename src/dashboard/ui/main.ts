// The web dashboard: runs, a run's iteration graph, assignments with live progress, validation,
// learnings. Data comes from /api (see ../server.ts); a server-sent event says when to fetch again.
import type { IterationView, LearningView, RunSummary, RunView } from "../view-types.js";
import { age, assignmentTable, h, progressBar, stateBadge } from "./dom.js";
import { describeIteration, iterationGraph } from "./graph.js";

const TOKEN_KEY = "baton-dashboard-token";
const ACTION_LABELS: Record<string, string> = { revalidate: "Re-validate" };

/** The token arrives in the link's fragment (never sent to a server); it is kept for this tab only. */
function takeToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const token = takeToken();
const headers = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { ...headers(), ...(init.headers as Record<string, string>) },
  });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

const post = <T>(path: string, body: unknown) =>
  api<T>(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

const runsNav = document.getElementById("runs") as HTMLElement;
const main = document.getElementById("run") as HTMLElement;
const live = document.getElementById("live") as HTMLElement;
const announce = document.getElementById("announce") as HTMLElement;

let selected: string | null = new URLSearchParams(location.search).get("run");
let runs: RunSummary[] = [];

function say(message: string): void {
  announce.textContent = message;
}

function renderRuns(): void {
  if (runs.length === 0) {
    runsNav.replaceChildren(
      h("p", { class: "muted" }, "No runs yet. Start one with create_iteration or baton generate."),
    );
    return;
  }
  const list = h("ul", { class: "run-list" });
  for (const run of runs) {
    const button = h(
      "button",
      {
        type: "button",
        class: "run-item",
        "aria-current": run.id === selected ? "true" : undefined,
        "data-run": run.id,
      },
      h("span", { class: "run-id mono" }, run.id),
      h("span", { class: "run-meta" }, stateBadge(run.status), " ", age(run.created_at)),
      h(
        "span",
        { class: "muted" },
        `${run.workflow} · ${run.iterations_passed}/${run.iterations_total} passed`,
      ),
    );
    button.addEventListener("click", () => {
      selected = run.id;
      history.replaceState(null, "", `?run=${encodeURIComponent(run.id)}`);
      void refresh();
    });
    list.append(h("li", {}, button));
  }
  runsNav.replaceChildren(list);
}

function actionButton(it: IterationView, action: string): HTMLElement {
  const button = h(
    "button",
    { type: "button", "data-action": action, "data-iteration": it.id ?? "" },
    ACTION_LABELS[action] ?? action,
  );
  button.addEventListener("click", async () => {
    button.setAttribute("aria-busy", "true");
    (button as HTMLButtonElement).disabled = true;
    try {
      const result = await post<{ passed: boolean; failed: number }>(
        `/api/iterations/${encodeURIComponent(it.id ?? "")}/${action}`,
        {},
      );
      say(`${it.name}: validation ${result.passed ? "passed" : `failed (${result.failed} failed checks)`}`);
    } catch (error) {
      say(`${it.name}: ${(error as Error).message}`);
    } finally {
      await refresh();
    }
  });
  return button;
}

/** What a person typed into a review form, kept across the re-renders live updates cause. */
interface ReviewDraft {
  reviewer: string;
  notes: string;
  unmet: Set<string>;
}
const drafts = new Map<string, ReviewDraft>();

async function submitReview(it: IterationView, decision: "approve" | "reject", button: HTMLButtonElement) {
  const id = it.id ?? "";
  const draft = drafts.get(id);
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  try {
    const result = await post<{ rework: number; reviewer: string }>(
      `/api/iterations/${encodeURIComponent(id)}/review`,
      {
        decision,
        ...(draft?.reviewer.trim() ? { reviewer: draft.reviewer.trim() } : {}),
        ...(draft?.notes.trim() ? { notes: draft.notes } : {}),
        criteria: it.review_criteria.map((criterion) => ({ criterion, ok: !draft?.unmet.has(criterion) })),
      },
    );
    drafts.delete(id);
    say(
      decision === "approve"
        ? `${it.name}: approved by ${result.reviewer}`
        : `${it.name}: rejected, ${result.rework} assignment(s) sent to rework`,
    );
  } catch (error) {
    say(`${it.name}: ${(error as Error).message}`);
  } finally {
    await refresh();
  }
}

/** Approve or reject an iteration awaiting approval: name, notes, a checkbox per human criterion. */
function reviewForm(it: IterationView): HTMLElement {
  const id = it.id ?? "";
  const draft = drafts.get(id) ?? { reviewer: "", notes: "", unmet: new Set<string>() };
  drafts.set(id, draft);
  const field = (suffix: string) => `review-${it.name}-${suffix}`;
  const reviewer = h("input", { type: "text", id: field("reviewer"), autocomplete: "name" });
  reviewer.value = draft.reviewer;
  reviewer.addEventListener("input", () => {
    draft.reviewer = reviewer.value;
  });
  const notes = h("textarea", { id: field("notes"), rows: 3 });
  notes.value = draft.notes;
  notes.addEventListener("input", () => {
    draft.notes = notes.value;
  });
  const criteria = it.review_criteria.map((criterion, i) => {
    const box = h("input", {
      type: "checkbox",
      id: field(`criterion-${i}`),
      checked: !draft.unmet.has(criterion),
    });
    box.addEventListener("change", () => {
      if (box.checked) draft.unmet.delete(criterion);
      else draft.unmet.add(criterion);
    });
    return h("div", { class: "criterion" }, box, h("label", { for: box.id }, criterion));
  });
  const button = (decision: "approve" | "reject", label: string) => {
    const b = h(
      "button",
      { type: "button", class: `review-${decision}`, "data-action": decision, "data-iteration": id },
      label,
    );
    b.addEventListener("click", () => void submitReview(it, decision, b));
    return b;
  };
  return h(
    "fieldset",
    { class: "review" },
    h("legend", {}, `Review ${it.name}`),
    h(
      "p",
      { class: "muted" },
      "Its machine checks passed; its dependents wait for a person. Rejecting sends its assignments back with your notes.",
    ),
    h("label", { for: reviewer.id }, "Your name (optional)"),
    reviewer,
    h("label", { for: notes.id }, "Notes (quoted in the rework prompt when you reject)"),
    notes,
    ...(criteria.length > 0
      ? [h("p", { class: "criteria-h" }, "Criteria met (untick what is not):"), ...criteria]
      : []),
    h("div", { class: "actions" }, button("approve", "Approve"), button("reject", "Reject")),
  );
}

function approvalText(it: IterationView): string {
  const a = it.approval;
  if (!a) return "";
  if (a.state === "required") return " · Approval: required once its checks pass";
  if (a.state === "awaiting") return " · Approval: awaiting a person";
  return ` · Approval: ${a.state} by ${a.by ?? "someone"}${a.notes ? ` (“${a.notes}”)` : ""}`;
}

function validationSection(it: IterationView): HTMLElement | null {
  const v = it.validation;
  if (!v) return null;
  const parts: Node[] = [
    h("h4", {}, "Validation ", stateBadge(v.passed ? "passed" : "failed"), " ", age(v.at)),
  ];
  if (v.failures.length > 0) {
    parts.push(
      h(
        "ul",
        { class: "failures", "aria-label": `${it.name} validation failures` },
        ...v.failures.map((f) =>
          h(
            "li",
            { "data-failure": f.assignment_id ?? "" },
            h("span", { class: "mono" }, `${f.check}`),
            // Most reasons name their file already; the path is added only where one does not.
            f.deliverable && !f.reason.includes(f.deliverable)
              ? h("span", { class: "muted" }, ` ${f.deliverable}`)
              : null,
            h("div", { class: "reason" }, f.reason),
          ),
        ),
      ),
    );
  }
  if (v.rework.length > 0) {
    parts.push(
      h("h5", {}, "Rework prompts"),
      h(
        "ul",
        {},
        ...v.rework.map((r) =>
          h(
            "li",
            {},
            h("span", { class: "mono" }, r.prompt_path),
            ` (${r.assignment_id}, attempt ${r.attempt} of ${r.max_attempts})`,
          ),
        ),
      ),
    );
  }
  if (v.needs_review.length > 0) {
    parts.push(
      h("h5", {}, "For a person to review"),
      h("ul", {}, ...v.needs_review.map((c) => h("li", {}, c))),
    );
  }
  return h("div", { class: "validation" }, ...parts);
}

function iterationSection(it: IterationView): HTMLElement {
  const heading = h("h3", { id: `it-${it.name}`, tabindex: "-1" }, it.name, " ", stateBadge(it.state));
  const meta = h(
    "p",
    { class: "muted" },
    it.goal,
    h("br"),
    it.gate.open ? "Gate open" : `Gate: waiting on ${it.gate.waiting_on.join(", ")}`,
    approvalText(it),
    it.id ? h("span", { class: "mono" }, ` · ${it.id}`) : "",
  );
  const others = it.actions.filter((a) => a !== "approve" && a !== "reject");
  const actions =
    it.id && others.length > 0
      ? h("div", { class: "actions" }, ...others.map((a) => actionButton(it, a)))
      : null;
  const body: (Node | null)[] = [heading, meta];
  if (it.state !== "not_created")
    body.push(progressBar(it.progress, `${it.name} progress`, { "data-iteration-progress": it.name }));
  body.push(actions);
  if (it.id && it.actions.includes("approve")) body.push(reviewForm(it));
  if (it.assignments.length > 0) body.push(assignmentTable(it.assignments, `Assignments of ${it.name}`));
  body.push(validationSection(it));
  return h(
    "section",
    { class: "iteration", "aria-labelledby": `it-${it.name}`, "data-state": it.state },
    ...body.filter((n) => n !== null),
  );
}

function learningItem(view: RunView, l: LearningView): HTMLElement {
  const id = `learning-${l.id}`;
  const toggle = h("input", {
    type: "checkbox",
    role: "switch",
    id,
    "data-learning": l.id,
    checked: l.enabled,
  });
  toggle.addEventListener("change", async () => {
    toggle.disabled = true;
    try {
      await post(`/api/learnings/${encodeURIComponent(view.workflow)}/${encodeURIComponent(l.id)}`, {
        enabled: toggle.checked,
      });
      say(`learning ${l.id} ${toggle.checked ? "enabled" : "disabled"}`);
    } catch (error) {
      say(`learning ${l.id}: ${(error as Error).message}`);
    } finally {
      await refresh();
    }
  });
  return h(
    "li",
    { class: l.enabled ? "learning" : "learning disabled" },
    h("div", { class: "switch" }, toggle, h("label", { for: id }, l.enabled ? "Enabled" : "Disabled")),
    h(
      "div",
      {},
      h("span", { class: "badge" }, l.kind),
      l.role ? h("span", { class: "muted" }, ` ${l.role}`) : null,
      h("p", {}, l.text),
    ),
    h(
      "p",
      { class: "muted" },
      `Evidence: ${l.evidence.source}, ${l.evidence.count} of ${l.evidence.of}`,
      l.evidence.assignments.length > 0 ? ` (${l.evidence.assignments.join(", ")})` : "",
    ),
  );
}

let shown: RunView | null = null;
const NARROW_PX = 640;

function renderRun(view: RunView): void {
  shown = view;
  const narrow = main.clientWidth < NARROW_PX;
  const inputs = Object.entries(view.inputs)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const graph = iterationGraph(view.iterations, narrow);
  const summary = h(
    "ul",
    { class: "sr-only" },
    ...view.iterations.map((it) => h("li", {}, describeIteration(it))),
  );
  const learnings =
    view.learnings.length === 0
      ? h(
          "p",
          { class: "muted" },
          "No learnings yet: they appear after feedback or validation shows a pattern.",
        )
      : h("ul", { class: "learnings" }, ...view.learnings.map((l) => learningItem(view, l)));
  main.replaceChildren(
    h("h2", {}, view.id, " ", stateBadge(view.status)),
    h(
      "p",
      { class: "muted" },
      `${view.workflow}${inputs ? ` · ${inputs}` : ""} · started `,
      age(view.created_at),
    ),
    h("h3", { class: "sr-only" }, "Iteration graph"),
    h("div", { class: "graph-wrap" }, graph),
    summary,
    ...view.iterations.map(iterationSection),
    h(
      "section",
      { "aria-labelledby": "learnings-h" },
      h("h3", { id: "learnings-h" }, "Learnings"),
      learnings,
    ),
  );
}

/** Re-renders while keeping keyboard focus on the same control. */
function keepingFocus(render: () => void): void {
  const active = document.activeElement as HTMLElement | SVGElement | null;
  const data = active?.dataset ?? {};
  const key = active?.id
    ? `#${CSS.escape(active.id)}`
    : data.action
      ? `[data-action="${data.action}"][data-iteration="${data.iteration}"]`
      : data.run
        ? `[data-run="${data.run}"]`
        : data.node
          ? `[data-node="${data.node}"]`
          : null;
  // A review's text fields keep the caret where the person was typing.
  const caret =
    active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
      ? [active.selectionStart, active.selectionEnd]
      : null;
  render();
  const next = key ? document.querySelector<HTMLElement | SVGElement>(key) : null;
  next?.focus();
  if (
    caret &&
    (next instanceof HTMLInputElement || next instanceof HTMLTextAreaElement) &&
    next.type !== "checkbox"
  )
    next.setSelectionRange(caret[0], caret[1]);
}

let pending: Promise<void> | null = null;
let again = false;
async function refresh(): Promise<void> {
  if (pending) {
    again = true;
    return pending;
  }
  pending = (async () => {
    try {
      runs = await api<RunSummary[]>("/api/runs");
      if (!selected || !runs.some((r) => r.id === selected)) selected = runs[0]?.id ?? null;
      const view = selected ? await api<RunView>(`/api/runs/${encodeURIComponent(selected)}`) : null;
      keepingFocus(() => {
        renderRuns();
        if (view) renderRun(view);
        else main.replaceChildren(h("p", { class: "muted" }, "Nothing to show yet."));
      });
      document.body.dataset.updated = String(Date.now());
    } catch (error) {
      main.replaceChildren(h("p", { class: "error", role: "alert" }, (error as Error).message));
    }
  })();
  await pending;
  pending = null;
  if (again) {
    again = false;
    await refresh();
  }
}

/** Server-sent events over fetch, so the token travels in a header rather than the URL. */
async function listen(): Promise<void> {
  for (;;) {
    try {
      const res = await fetch("/api/events", { headers: headers() });
      if (!res.ok || !res.body) throw new Error(`${res.status}`);
      live.textContent = "Live";
      live.dataset.state = "live";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          if (buffer.slice(0, end).includes("event: change")) void refresh();
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // Reconnected below.
    }
    live.textContent = "Reconnecting…";
    live.dataset.state = "off";
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await refresh();
  }
}

void refresh().then(() => listen());
// The graph runs top to bottom in a narrow window: lay it out again when the width crosses over.
let wasNarrow = main.clientWidth < NARROW_PX;
window.addEventListener("resize", () => {
  const narrow = main.clientWidth < NARROW_PX;
  if (narrow !== wasNarrow && shown) {
    const view = shown;
    keepingFocus(() => renderRun(view));
  }
  wasNarrow = narrow;
});
// Ages ("3 min ago") drift while nothing changes: a light re-render each minute keeps them honest.
setInterval(() => void refresh(), 60_000);
