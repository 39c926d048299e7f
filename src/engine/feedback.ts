import { existsSync } from "node:fs";
import path from "node:path";
import { patternMatcher } from "../config/placeholders.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import type { AssignmentFacts, FeedbackCategory, FeedbackRecord, Severity } from "../store/records.js";
import { coherentLearnings } from "./coherence.js";
import { LEASE_MS } from "./constants.js";
import type { EngineContext } from "./engine.js";
import { writeFileAtomic } from "./files.js";
import { type Learning, readLearnings, writeLearnings } from "./learnings.js";
import { TEMPLATE_NAMES } from "./render.js";
import { type IterationBundle, iterationAssignment, resolveIteration } from "./resolve.js";
import { missesOf, type RecordedMiss, reminders } from "./validate/misses.js";

/**
 * Thresholds (docs/feedback.md): one complaint is not a pattern. A learning needs at least
 * MIN_SOURCES distinct assignments (or records, when feedback names none); a check must have been
 * missed by at least MIN_SOURCES files and MIN_MISS_RATE of those checked; token usage must
 * deviate from estimates by more than TOKEN_DEVIATION over at least MIN_SOURCES assignments.
 */
export const MIN_SOURCES = 2;
export const MIN_MISS_RATE = 0.2;
export const TOKEN_DEVIATION = 0.2;

export interface RecordFeedbackArgs {
  iteration_id: string;
  assignment_id?: string;
  role?: string;
  category: FeedbackCategory;
  severity?: Severity;
  message: string;
  tokens_used?: number;
}

export interface SynthesisResult {
  workflow: string;
  learnings: Learning[];
  /** Learnings that are new since the previous synthesis. */
  new_learnings: string[];
  learnings_file: string;
  feedback_path?: string;
}

/** Stores one piece of feedback and re-synthesizes the workflow's learnings. */
export function recordFeedback(
  engine: EngineContext,
  args: RecordFeedbackArgs,
): SynthesisResult & { feedback_id: number } {
  const bundle = resolveIteration(engine, args.iteration_id);
  const { iteration } = bundle;
  const assignment = args.assignment_id
    ? iterationAssignment(engine, iteration.id, args.assignment_id)
    : undefined;
  // A call about a claimed assignment renews its lease (docs/design.md §7).
  if (assignment?.state === "claimed") engine.store.renewLease(assignment.id, LEASE_MS);
  const id = engine.store.addFeedback({
    iteration_id: iteration.id,
    assignment_id: assignment?.id ?? null,
    role: args.role ?? assignment?.role ?? null,
    category: args.category,
    severity: args.severity ?? "medium",
    message: args.message,
    tokens_used: args.tokens_used ?? null,
  });
  engine.store.addEvent(
    "feedback",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: assignment?.id },
    { category: args.category, severity: args.severity ?? "medium" },
  );
  return { feedback_id: id, ...synthesize(engine, bundle) };
}

/**
 * Rebuilds a workflow's learnings from all its feedback, validation history and token usage, keeps
 * what a person changed in the learnings file, and writes FEEDBACK.md for the iteration.
 */
export function synthesize(
  engine: EngineContext,
  { workflow, iteration }: Pick<IterationBundle, "workflow" | "iteration">,
): SynthesisResult {
  const { store, workspace } = engine;
  const misses = missesOf({ misses: store.listValidationMisses(workflow.name) });
  const feedback = store.listFeedback(workflow.name);
  // Every assignment is read only when misses or feedback need them: usage alone is summed in SQL.
  const assignments =
    misses.length > 0 || feedback.length > 0 ? store.listWorkflowAssignmentFacts(workflow.name) : [];
  const byId = new Map(assignments.map((a) => [a.id, a]));
  const found = coherentLearnings(
    [
      ...validationLearnings(workflow, assignments, misses),
      ...tokenLearnings(workflow, store.tokenUsageByRole(workflow.name, EVIDENCE_IDS)),
      ...feedbackLearnings(workspace.root, feedback, byId),
    ],
    (role) => workflow.roles.get(role)?.constraints.tokens_per_point,
  );
  const previous = readLearnings(workspace.root, workflow.name);
  const written = store.learningsWritten(workflow.name);
  const merged = found.map((learning) => {
    const old = previous.find((p) => p.id === learning.id);
    if (!old) return learning;
    const last = written.get(learning.id);
    const editedByPerson = last !== undefined && !sameWording(JSON.parse(last) as Learning, old);
    return editedByPerson ? { ...old, evidence: learning.evidence } : { ...learning, enabled: old.enabled };
  });
  // Learnings a person added, or whose evidence is gone from the history, stay as they are.
  for (const old of previous) if (!merged.some((m) => m.id === old.id)) merged.push(old);
  const file = writeLearnings(workspace.root, workflow.name, merged);
  // Stored: Baton's own wording, not a person's edit of it, so the edit still differs next time.
  const generated = new Map(found.map((l) => [l.id, l]));
  store.saveLearningsWritten(
    workflow.name,
    new Map(
      merged.map((l) => {
        const own = generated.get(l.id);
        const data = own ? JSON.stringify(personal({ ...own, enabled: l.enabled })) : written.get(l.id);
        return [l.id, data ?? JSON.stringify(personal(l))];
      }),
    ),
  );
  const feedbackPath = `${iteration.path}/FEEDBACK.md`;
  const folder = workspace.resolve(iteration.path);
  if (existsSync(folder)) {
    writeFileAtomic(
      path.join(folder, "FEEDBACK.md"),
      engine.catalog.templates().render(TEMPLATE_NAMES.feedback, {
        iteration: { id: iteration.id, name: iteration.name },
        workflow: workflow.name,
        feedback: store.listFeedback(workflow.name, iteration.id),
        learnings: merged,
        flags: merged.filter((l) => l.kind === "flag" && l.enabled),
        learnings_file: workspace.relative(file),
      }),
    );
  }
  return {
    workflow: workflow.name,
    learnings: merged,
    new_learnings: merged.filter((l) => !previous.some((p) => p.id === l.id)).map((l) => l.id),
    learnings_file: workspace.relative(file),
    feedback_path: existsSync(folder) ? feedbackPath : undefined,
  };
}

/** The fields a person may edit; comparing them tells an edit from Baton's own writing. */
function personal(l: Learning): unknown {
  return { enabled: l.enabled, text: l.text, action: l.action ?? null };
}

/** Same text and action (`enabled` is always the person's and never makes Baton's wording stale). */
function sameWording(a: Pick<Learning, "text" | "action">, b: Pick<Learning, "text" | "action">): boolean {
  return a.text === b.text && JSON.stringify(a.action ?? null) === JSON.stringify(b.action ?? null);
}

/**
 * The assignments a learning names as evidence: the first EVIDENCE_IDS in order. `count` says how
 * many there were; listing 20k ids made the learnings file, and every synthesis reading it, huge.
 */
const EVIDENCE_IDS = 20;
const sample = (ids: Iterable<string>): string[] => [...ids].sort().slice(0, EVIDENCE_IDS);

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);

const fileName = (pattern: string) => pattern.slice(pattern.lastIndexOf("/") + 1);

/** The agent pattern a concrete deliverable came from, with the role that writes it. */
function patternOf(
  workflow: LoadedWorkflow,
  iteration: string,
  file: string,
  matchers: Map<string, (file: string) => boolean>,
): { pattern: string; role: string } | undefined {
  const spec = workflow.spec.iterations.find((it) => it.name === iteration);
  for (const agent of spec?.agents ?? []) {
    for (const pattern of agent.deliverables) {
      const matches = matchers.get(pattern) ?? patternMatcher(pattern, {});
      matchers.set(pattern, matches);
      if (matches(file)) return { pattern, role: agent.role };
    }
  }
  return undefined;
}

/** Checks missed often enough become reminders in the prompts of the role that writes the file. */
function validationLearnings(
  workflow: LoadedWorkflow,
  assignments: readonly AssignmentFacts[],
  recorded: readonly RecordedMiss[],
): Learning[] {
  const byId = new Map(assignments.map((a) => [a.id, a]));
  // Each deliverable pattern compiled once per synthesis, not once per recorded miss.
  const matchers = new Map<string, (file: string) => boolean>();
  const misses = new Map<
    string,
    {
      role: string;
      pattern: string;
      what: string;
      files: Set<string>;
      assignments: Set<string>;
      iteration: string;
    }
  >();
  for (const f of recorded) {
    const a = f.assignment_id ? byId.get(f.assignment_id) : undefined;
    if (!a || !f.deliverable) continue;
    const origin = patternOf(workflow, a.iteration, f.deliverable, matchers);
    if (!origin) continue;
    for (const what of reminders(f.check, f.miss, origin.pattern)) {
      const key = `${origin.role}|${origin.pattern}|${what}`;
      const entry = misses.get(key) ?? {
        ...origin,
        what,
        files: new Set(),
        assignments: new Set(),
        iteration: a.iteration,
      };
      entry.files.add(f.deliverable);
      entry.assignments.add(a.id);
      misses.set(key, entry);
    }
  }
  // Deliverables per iteration and role, gathered once: counting them per miss would be quadratic.
  const written = new Map<string, Set<string>>();
  for (const a of assignments) {
    const key = `${a.iteration}|${a.role}`;
    const files = written.get(key) ?? new Set<string>();
    for (const d of a.deliverables) files.add(d);
    written.set(key, files);
  }
  const learnings: Learning[] = [];
  for (const m of misses.values()) {
    const matches = matchers.get(m.pattern) ?? patternMatcher(m.pattern, {});
    let total = 0;
    for (const d of written.get(`${m.iteration}|${m.role}`) ?? []) if (matches(d)) total++;
    const count = m.files.size;
    if (count < MIN_SOURCES || count / Math.max(total, 1) < MIN_MISS_RATE) continue;
    learnings.push({
      id: `reminder-${m.role}-${slug(`${fileName(m.pattern)}-${m.what}`)}`,
      enabled: true,
      kind: "reminder",
      role: m.role,
      deliverable: m.pattern,
      text: `${fileName(m.pattern)} must ${m.what}: ${count} of ${total} missed it in earlier iterations`,
      evidence: { source: "validation", count, of: total, assignments: sample(m.assignments) },
    });
  }
  return learnings;
}

/** Token usage against estimates, per role (summed in SQL): recalibrates tokens-per-point. */
function tokenLearnings(
  workflow: LoadedWorkflow,
  usage: readonly { role: string; count: number; estimated: number; actual: number; assignments: string[] }[],
): Learning[] {
  const learnings: Learning[] = [];
  for (const { role, count, estimated, actual, assignments } of usage) {
    if (count < MIN_SOURCES) continue;
    if (estimated === 0 || actual === 0) continue;
    const ratio = actual / estimated;
    if (Math.abs(ratio - 1) <= TOKEN_DEVIATION) continue;
    const current = workflow.roles.get(role)?.constraints.tokens_per_point;
    if (!current) continue;
    const calibrated = Math.max(50, Math.round(current * ratio));
    learnings.push({
      id: `calibrate-${role}-tokens-per-point`,
      enabled: true,
      kind: "calibrate_tokens",
      role,
      text: `${role} agents wrote ${Math.round(ratio * 100)}% of the estimated output over ${count} assignments: tokens per complexity point ${current} → ${calibrated}`,
      action: { tokens_per_point: calibrated },
      evidence: { source: "tokens", count, of: count, assignments: sample(assignments) },
    });
  }
  return learnings;
}

const PATH_IN_TEXT =
  /(?:^|[\s`"'(])((?:[\w.-]+\/)*[\w.-]+\.(?:md|json|ya?ml|txt|ts|js|py|sql|csv))(?=$|[\s`"'),.;:])/g;

/** Feedback categories raised by enough distinct sources become reminders, recalibrations or flags. */
function feedbackLearnings(
  workspaceRoot: string,
  feedback: readonly FeedbackRecord[],
  assignments: ReadonlyMap<string, AssignmentFacts>,
): Learning[] {
  const groups = new Map<string, FeedbackRecord[]>();
  for (const f of feedback) {
    const key = `${f.category}|${f.role ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const learnings: Learning[] = [];
  for (const [key, records] of groups) {
    const [category, role = ""] = key.split("|") as [FeedbackCategory, string];
    const sources = new Set(records.map((r) => r.assignment_id ?? `feedback-${r.id}`));
    if (sources.size < MIN_SOURCES) continue;
    const evidence = {
      source: "feedback" as const,
      count: sources.size,
      of: sources.size,
      assignments: sample([...sources].filter((s) => assignments.has(s))),
    };
    // The latest three distinct messages: a message repeated by several agents is quoted once.
    const quotes = [...new Set(records.map((r) => r.message.slice(0, 140)).reverse())]
      .slice(0, 3)
      .reverse()
      .map((m) => `"${m}"`)
      .join("; ");
    const who = role || "agents";
    const base = { enabled: true, role: role || undefined, evidence };
    switch (category) {
      case "token_budget": {
        const threshold = Math.min(
          ...records
            .map((r) => (r.assignment_id ? (assignments.get(r.assignment_id)?.targets ?? 0) : 0))
            .filter((n) => n > 0),
        );
        const lowered = Number.isFinite(threshold) ? Math.max(1, Math.floor(threshold * 0.75)) : undefined;
        learnings.push({
          ...base,
          id: `allocation-${role || "all"}-token-budget`,
          kind: "lower_allocation",
          text: `${sources.size} ${who} reported running out of token budget (${quotes})${lowered ? `: at most ${lowered} target(s) per agent` : ""}`,
          action: lowered && role ? { complexity_threshold: lowered } : undefined,
        });
        break;
      }
      case "missing_context": {
        const refs = [
          ...new Set(
            records.flatMap((r) => [...r.message.matchAll(PATH_IN_TEXT)].map((m) => m[1] as string)),
          ),
        ].filter((p) => existsSync(path.join(workspaceRoot, p)));
        for (const ref of refs) {
          learnings.push({
            ...base,
            id: `reference-${slug(ref)}`,
            kind: "add_reference",
            text: `Read \`${ref}\` before you start: ${sources.size} earlier agents lacked it`,
            action: { reference: ref },
          });
        }
        if (refs.length === 0) {
          learnings.push({
            ...base,
            id: `flag-${role || "all"}-missing-context`,
            kind: "flag",
            text: `${who} lacked context: ${quotes}. A person should add references or domain notes to the workflow.`,
          });
        }
        break;
      }
      case "scope_confusion":
        learnings.push({
          ...base,
          id: `reminder-${role || "all"}-scope`,
          kind: "reminder",
          text: `Write only your declared deliverables, at exactly their paths; earlier agents were unsure of scope (${quotes})`,
        });
        break;
      case "unclear_criteria":
        learnings.push({
          ...base,
          id: `reminder-${role || "all"}-criteria`,
          kind: "reminder",
          text: `Earlier agents found the criteria unclear (${quotes}): check every item of COMPLETION_CRITERIA.md explicitly before you finish`,
        });
        learnings.push({
          ...base,
          id: `flag-${role || "all"}-criteria`,
          kind: "flag",
          text: `Criteria unclear to ${sources.size} ${who}: ${quotes}. A person should sharpen the workflow's completion_criteria.`,
        });
        break;
      default:
        learnings.push({
          ...base,
          id: `flag-${role || "all"}-${category.replace(/_/g, "-")}`,
          kind: "flag",
          text: `${category.replace(/_/g, " ")} reported by ${sources.size} ${who}: ${quotes}. A person should look at it.`,
        });
    }
  }
  return learnings;
}
