// The MCP App (ui://baton/run-view): the host renders it beside get_status, create_iteration and
// validate_iteration results and hands it their result; it shows the run's iterations and live
// assignment progress, and refreshes through get_status.
import { App } from "@modelcontextprotocol/ext-apps";
import type { AssignmentView } from "../view-types.js";
import { assignmentTable, h, progressBar, stateBadge } from "./dom.js";

interface StatusRun {
  id: string;
  workflow: string;
  status: string;
  iterations: {
    id: string;
    name: string;
    state: string;
    progress: number;
    assignments: Omit<AssignmentView, "estimated_tokens" | "tokens_used">[];
  }[];
  not_created: string[];
}

const root = document.getElementById("root") as HTMLElement;
const app = new App({ name: "baton-run-view", version: "1.0.0" });
let scope: { run_id?: string; iteration_id?: string } = {};

function render(runs: StatusRun[], next: string[]): void {
  if (runs.length === 0) {
    root.replaceChildren(h("p", {}, "No runs yet."));
    return;
  }
  root.replaceChildren(
    ...runs.flatMap((run) =>
      [
        h("h2", {}, `${run.id} `, stateBadge(run.status), h("span", { class: "muted" }, ` ${run.workflow}`)),
        ...run.iterations.map((it) =>
          h(
            "section",
            { class: "iteration", "aria-label": it.name },
            h("h3", {}, `${it.name} `, stateBadge(it.state)),
            it.state === "awaiting_approval" ? approvalNote(it.id) : null,
            progressBar(it.progress, `${it.name} progress`),
            assignmentTable(
              it.assignments.map((a) => ({ ...a, estimated_tokens: null, tokens_used: null })),
              `Assignments of ${it.name}`,
            ),
          ),
        ),
        run.not_created.length > 0
          ? h("p", { class: "muted" }, `Not created yet: ${run.not_created.join(", ")}`)
          : null,
      ].filter((n): n is HTMLElement => n !== null),
    ),
    ...(next.length > 0
      ? [h("h3", {}, "Next"), h("ul", {}, ...next.map((n) => h("li", { class: "mono" }, n)))]
      : []),
    refreshButton(),
  );
}

/** An approval gate holds this iteration: its dependents wait for a person's decision. */
function approvalNote(id: string): HTMLElement {
  return h(
    "p",
    { class: "approval", "data-approval": id },
    h("strong", {}, "Awaiting a person's approval."),
    " Its checks passed; its dependents wait. Decide with review_iteration, ",
    h("span", { class: "mono" }, `baton review ${id} --approve|--reject`),
    ", or the dashboard.",
  );
}

function refreshButton(): HTMLElement {
  const button = h("button", { type: "button" }, "Refresh");
  button.addEventListener("click", () => void refresh());
  return button;
}

async function refresh(): Promise<void> {
  const result = await app.callServerTool({ name: "get_status", arguments: scope });
  const status = result.structuredContent as { runs?: StatusRun[]; next?: string[] } | undefined;
  if (status?.runs) render(status.runs, status.next ?? []);
}

app.ontoolresult = (params) => {
  const data = (params.structuredContent ?? {}) as {
    runs?: StatusRun[];
    next?: string[];
    run_id?: string;
    iteration_id?: string;
  };
  if (data.runs) {
    render(data.runs, data.next ?? []);
    if (data.runs.length === 1 && data.runs[0]) scope = { run_id: data.runs[0].id };
    return;
  }
  // create_iteration and validate_iteration name the iteration: show its run's status.
  scope = data.iteration_id
    ? { iteration_id: data.iteration_id }
    : data.run_id
      ? { run_id: data.run_id }
      : {};
  void refresh();
};

void app.connect();
