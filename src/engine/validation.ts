import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { patternMatcher } from "../config/placeholders.js";
import { UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import { promptUri } from "../uris.js";
import { checkWorkspace, isIsolated, mergeAssignment } from "./code/isolation.js";
import { LEASE_MS } from "./constants.js";
import { describeCheck, splitCriteria } from "./criteria.js";
import type { EngineContext, Progress } from "./engine.js";
import { recordPassedOutputs } from "./estimate/output-history.js";
import { synthesize } from "./feedback.js";
import { writeFileAtomic } from "./files.js";
import { anyWorkOn, freshnessOf, inPlaceMatcher, staleResults } from "./freshness.js";
import { TEMPLATE_NAMES, type TemplateSet } from "./render.js";
import { type IterationBundle, iterationAssignment, resolveIteration } from "./resolve.js";
import { listReviews, reviewsMarkdown } from "./review.js";
import { settleRun } from "./run-state.js";
import { foundAnyDeliverable, runChecks } from "./validate/index.js";
import { recordMisses } from "./validate/misses.js";
import { ReadAhead } from "./validate/read-ahead.js";
import { budgetFor, contentBudget } from "./validate/slices.js";
import type { Check, CheckContext, CheckResult, ConcreteCheck } from "./validate/types.js";
import type {
  AssignmentOutcome,
  ReworkAssignment,
  ValidateArgs,
  ValidationFailure,
  ValidationReport,
} from "./validation-report.js";

/**
 * Runs every machine check of an iteration (or of one assignment), persists the report, writes
 * VALIDATION.md and a rework prompt for each failing assignment that has attempts left.
 */
export async function validateIteration(
  ctx: EngineContext,
  args: ValidateArgs,
  progress: Progress = () => {},
): Promise<ValidationReport> {
  return validateBundle(
    ctx,
    resolveIteration(ctx, args.iteration_id),
    { assignment_id: args.assignment_id, allowCommands: args.allowCommands ?? ctx.allowCommands },
    progress,
  );
}

/** Validates a resolved iteration (or one of its assignments: what submit does). */
export async function validateBundle(
  engine: EngineContext,
  bundle: IterationBundle,
  args: { assignment_id?: string; allowCommands: boolean; reclaim?: boolean },
  progress: Progress = () => {},
): Promise<ValidationReport> {
  const { run, workflow, iteration, spec } = bundle;
  const { store, workspace } = engine;
  // One assignment is looked up alone: a submission's cost must not grow with its iteration.
  const only =
    args.assignment_id === undefined
      ? undefined
      : iterationAssignment(engine, iteration.id, args.assignment_id);
  const all = only ? [only] : store.listAssignments(iteration.id);
  if (all.length === 0) {
    throw new UserError(
      `iteration ${iteration.id} has no assignments yet; call generate_prompts with iteration_id "${iteration.id}" first`,
    );
  }
  const assignments = all;
  // A call about a claimed assignment renews its lease (docs/design.md §7).
  if (only?.state === "claimed") store.renewLease(only.id, LEASE_MS);
  const { human, checks } = splitCriteria(spec.completion_criteria);
  const declared = new Set(all.flatMap((a) => a.deliverables));
  // Read ahead in the workspace itself; an isolated assignment is read in its own worktree.
  const readAhead = only || isIsolated(iteration) ? undefined : ReadAhead.start(workspace, [...declared]);
  const ctx: CheckContext = {
    workspace,
    declaredDeliverables: declared,
    scopeBaseline: iteration.scope_baseline as CheckContext["scopeBaseline"],
    scopeIgnore: [`${iteration.path}/`, ".baton/"],
    allowCommands: args.allowCommands,
    contentBudget: contentBudget(budgetFor(declared.size)),
    readAhead,
  };

  // Each pattern compiled once, not once per assignment.
  const matchers = checks.map((check) => ({
    check,
    matches: check.deliverable === undefined ? undefined : patternMatcher(check.deliverable, run.inputs),
  }));
  const baselines = store.baselines(iteration.id);
  const inPlace = inPlaceMatcher(bundle);
  const perAssignment = new Map<string, CheckResult[]>();
  const notStarted = new Set<string>();
  let iterationWide: CheckResult[] = [];
  try {
    for (const [i, a] of assignments.entries()) {
      progress(i, assignments.length, `checking ${a.local_id}`);
      // An isolated assignment is judged in its own worktree until it is merged.
      const workdir = isIsolated(iteration) ? checkWorkspace(engine, iteration, a) : workspace;
      const freshness = freshnessOf(
        workdir === workspace ? engine : { ...engine, workspace: workdir },
        baselines,
      );
      const stale = staleResults(a.deliverables, freshness, baselines, inPlace);
      // Nobody worked on it yet: no checks, no attempt spent, no rework prompt.
      const leftUnstarted = () => {
        notStarted.add(a.id);
        perAssignment.set(a.id, [notStartedResult(), ...stale]);
      };
      // Where none of its deliverables has a baseline, being worked on means one of them exists,
      // which its checks find out as they open them (no stat of each file first); on a missing
      // deliverable only the exists check runs, so checking an untouched assignment runs nothing else.
      const untried = neverStarted(a);
      const judgedByChecks = untried && !a.deliverables.some((file) => baselines.has(file));
      if (untried && !judgedByChecks && !anyWorkOn(a.deliverables, freshness, inPlace)) {
        leftUnstarted();
        continue;
      }
      const checkCtx = workdir === workspace ? ctx : { ...ctx, workdir };
      const results = await runChecks(concreteChecks(matchers, a.deliverables), a.deliverables, checkCtx);
      if (judgedByChecks && !foundAnyDeliverable(results)) {
        leftUnstarted();
        continue;
      }
      results.push(...stale);
      // A passed isolated assignment is merged now; a conflict fails it into rework (not while it is claimed).
      const settles = only !== undefined || a.state !== "claimed";
      if (workdir !== workspace && settles && results.every((r) => r.status !== "failed")) {
        const conflict = await mergeAssignment(engine, iteration, a);
        if (conflict) results.push(conflict);
      }
      perAssignment.set(a.id, results);
    }
    if (!only) iterationWide = await runChecks(iterationChecks(checks, declared), [], ctx);
  } finally {
    readAhead?.close();
  }

  const maxAttempts = workflow.spec.max_attempts;
  const templates = engine.catalog.templates();
  const outcomes: AssignmentOutcome[] = [];
  const rework: ReworkAssignment[] = [];
  const sizesOf = sizeSample(assignments.length);
  // One transaction for every state change: a commit per assignment would dominate large iterations.
  // Each assignment's results sorted once: settling, the report, its misses and VALIDATION.md share them.
  const tallies = new Map([...perAssignment].map(([id, results]) => [id, tally(results)]));
  const wide = tally(iterationWide);
  store.transaction(() => {
    for (const [i, a] of assignments.entries()) {
      const { results, failed } = tallies.get(a.id) ?? tally([]);
      const outcome =
        (!only && a.state === "claimed") || notStarted.has(a.id)
          ? { summary: inProgress(a, failed.length, notStarted.has(a.id)) }
          : settle(
              engine,
              bundle,
              a,
              failed,
              { maxAttempts, reclaim: args.reclaim === true },
              templates,
              sizesOf(a, i),
            );
      outcomes.push(outcome.summary(results.length));
      if (outcome.rework) rework.push(outcome.rework);
    }
  });

  const failures: ValidationFailure[] = [
    ...assignments.flatMap((a) =>
      (tallies.get(a.id)?.failed ?? []).map((r) => ({
        assignment_id: a.id,
        deliverable: r.file ?? null,
        check: r.check,
        reason: r.reason,
      })),
    ),
    ...wide.failed.map((r) => ({
      assignment_id: null,
      deliverable: r.file ?? null,
      check: r.check,
      reason: r.reason,
    })),
  ];
  const everyTally = [...tallies.values(), wide];
  const skipped = everyTally.flatMap((t) => t.skipped.map((r) => ({ check: r.check, reason: r.reason })));
  const passed = failures.length === 0;
  // A gated iteration waits for review_iteration (review.ts) before its dependents may start.
  const awaitingApproval = passed && !only && spec.approval === "required";
  if (!only) {
    if (passed) await recordPassedOutputs(engine, bundle, assignments);
    store.setIterationState(
      iteration.id,
      awaitingApproval ? "awaiting_approval" : passed ? "passed" : "failed",
    );
    settleRun(engine, bundle, passed);
  }
  const report: ValidationReport = {
    iteration_id: iteration.id,
    assignment_id: only?.id ?? null,
    passed,
    awaiting_approval: awaitingApproval,
    counts: {
      passed: everyTally.reduce((sum, t) => sum + t.passed, 0),
      failed: failures.length,
      needs_review: only ? 0 : human.length,
      skipped: skipped.length,
    },
    failures,
    needs_review: only ? [] : human,
    skipped,
    assignments: outcomes,
    rework,
    failed_assignments: outcomes.filter((o) => o.state === "failed").map((o) => o.id),
    report_path: `${iteration.path}/VALIDATION.md`,
    new_learnings: [],
  };
  // Stored with the structured misses that feedback synthesis learns from (not returned to callers).
  store.addValidation(iteration.id, only?.id ?? null, passed, {
    ...report,
    misses: recordMisses(new Map([...tallies].map(([id, t]) => [id, t.failed])), wide.failed),
  });
  store.addEvent(
    "validated",
    { run_id: run.id, iteration_id: iteration.id, assignment_id: only?.id },
    { passed, counts: report.counts },
  );
  if (!only) {
    writeFileAtomic(
      path.join(workspace.resolve(iteration.path), "VALIDATION.md"),
      templates.render(TEMPLATE_NAMES.validation, {
        ...report,
        iteration: { id: iteration.id, name: iteration.name, path: iteration.path },
        results: groupResults(assignments, tallies, wide),
        checks: checks.map((c) => describeCheck(c)),
      }) + (spec.approval === "required" ? reviewsMarkdown(listReviews(engine, iteration.id)) : ""),
    );
    report.new_learnings = synthesize(engine, bundle).new_learnings;
  }
  return report;
}

/** The workflow's checks that concern these deliverables, one per concrete file. */
function concreteChecks(
  checks: readonly { check: Check; matches?: (file: string) => boolean }[],
  deliverables: readonly string[],
): ConcreteCheck[] {
  return checks.flatMap(({ check, matches }) => {
    // Object.assign, not a spread: V8 copies a parsed check ~10x faster so (once per deliverable).
    if (matches) return deliverables.filter(matches).map((file) => Object.assign({}, check, { file }));
    if (check.path !== undefined && deliverables.includes(check.path))
      return [{ ...check, file: check.path }];
    return [];
  });
}

/** Checks that belong to no assignment: workspace files that are not deliverables, `scope`, `command`. */
function iterationChecks(checks: readonly Check[], declared: ReadonlySet<string>): ConcreteCheck[] {
  return checks
    .filter((c) => c.deliverable === undefined && !(c.path !== undefined && declared.has(c.path)))
    .map((c) => (c.path === undefined ? c : { ...c, file: c.path }));
}

/**
 * A claimed assignment is still being worked on, and one nobody started has nothing to judge: an
 * iteration-wide validation reports them, nothing more (their attempts are kept).
 */
function inProgress(
  a: AssignmentRecord,
  failures: number,
  notStarted: boolean,
): (checks: number) => AssignmentOutcome {
  return (checks) => ({
    id: a.id,
    role: a.role,
    state: a.state,
    passed: failures === 0,
    attempts: a.attempts,
    checks,
    failures,
    ...(notStarted ? { not_started: true } : {}),
  });
}

/** Never claimed or submitted (whether anyone wrote its deliverables is asked separately). */
function neverStarted(a: AssignmentRecord): boolean {
  return a.state === "pending" && a.claimed_at === null && a.submitted_at === null;
}

function notStartedResult(): CheckResult {
  return {
    check: "not_started",
    status: "failed",
    reason:
      "not started: never claimed or submitted, and no deliverable written in this iteration; its attempts are kept",
  };
}

/**
 * Moves an assignment on after its checks: passed, back to pending with a rework prompt, or
 * failed when out of attempts.
 */
function settle(
  engine: EngineContext,
  { iteration }: IterationBundle,
  a: AssignmentRecord,
  failed: readonly CheckResult[],
  { maxAttempts, reclaim }: { maxAttempts: number; reclaim: boolean },
  templates: TemplateSet,
  sizes: readonly string[],
): { summary: (checks: number) => AssignmentOutcome; rework?: ReworkAssignment } {
  const summary = (state: AssignmentRecord["state"], attempts: number) => (checks: number) => ({
    id: a.id,
    role: a.role,
    state,
    passed: failed.length === 0,
    attempts,
    checks,
    failures: failed.length,
  });
  // Every move is guarded by the state and attempts read before the checks ran: when another
  // process (a second submission, a parallel validation) settled it meanwhile, it stays as that one left it.
  const moved = () => {
    const now = engine.store.getAssignment(a.id) as AssignmentRecord;
    return { summary: summary(now.state, now.attempts) };
  };
  if (failed.length === 0) {
    if (!engine.store.settleAssignment(a.id, a, { state: "passed", attempts: a.attempts })) return moved();
    recordSizes(engine, a.id, sizes);
    return { summary: summary("passed", a.attempts) };
  }
  if (a.state === "failed") return { summary: summary("failed", a.attempts) };
  const attempts = a.attempts + 1;
  if (attempts > maxAttempts) {
    if (!engine.store.settleAssignment(a.id, a, { state: "failed", attempts })) return moved();
    engine.store.addEvent(
      "assignment_failed",
      { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: a.id },
      { attempts },
    );
    return { summary: summary("failed", attempts) };
  }
  // A submission's rework stays with the agent that submitted it (claimed, fresh lease).
  const next = reclaim && a.agent ? "claimed" : "pending";
  if (!engine.store.settleAssignment(a.id, a, { state: next, attempts, leaseMs: LEASE_MS })) return moved();
  const promptPath = `${iteration.path}/agent-prompts/${a.local_id}-rework-${attempts}.md`;
  const original = engine.workspace.resolve(a.prompt_path);
  writeFileAtomic(
    engine.workspace.resolve(promptPath),
    templates.render(TEMPLATE_NAMES.rework, {
      assignment: a,
      attempt: attempts,
      max_attempts: maxAttempts,
      failures: failed.map((r) => ({
        check: r.check,
        file: r.file,
        reason: r.reason,
        description: r.description,
      })),
      original_prompt_path: a.prompt_path,
      original_prompt: existsSync(original)
        ? engine.workspace.readText(a.prompt_path, { what: "prompt" })
        : "",
      iteration: { id: iteration.id },
    }),
  );
  engine.store.addEvent(
    "rework",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: a.id },
    { attempt: attempts },
  );
  return {
    summary: summary(next, attempts),
    rework: {
      assignment_id: a.id,
      role: a.role,
      attempt: attempts,
      max_attempts: maxAttempts,
      prompt_path: promptPath,
      prompt_uri: promptUri(iteration.id, `${a.local_id}-rework-${attempts}`),
    },
  };
}

/**
 * Records the size of a passed assignment's deliverables, so the typical size of a pattern is
 * learned (monitor.ts) even when nothing watched the files while they were written. A sample
 * is enough for a median: about SIZE_SAMPLE files per validation (see sizeSample).
 */
const SIZE_SAMPLE = 200;

/**
 * Which deliverables of the i-th assignment have their sizes recorded: with few assignments the
 * first files of each, up to SIZE_SAMPLE in all; with more, one file of every k-th assignment,
 * taking each one's deliverables in turn, so every pattern of a multi-file assignment is sampled.
 */
function sizeSample(assignments: number): (a: AssignmentRecord, i: number) => readonly string[] {
  if (assignments <= SIZE_SAMPLE) {
    const each = Math.ceil(SIZE_SAMPLE / Math.max(1, assignments));
    return (a) => a.deliverables.slice(0, each);
  }
  const every = Math.floor(assignments / SIZE_SAMPLE);
  return (a, i) => {
    const turn = i / every;
    if (!Number.isInteger(turn) || a.deliverables.length === 0) return [];
    return [a.deliverables[turn % a.deliverables.length] as string];
  };
}

function recordSizes(engine: EngineContext, assignmentId: string, files: readonly string[]): void {
  for (const file of files) {
    // The checks just read these files through the workspace; a plain stat is enough here.
    const stat = statSync(path.join(engine.workspace.root, file), { throwIfNoEntry: false });
    if (stat?.isFile())
      engine.store.recordDeliverable(assignmentId, file, stat.size, Math.round(stat.mtimeMs));
  }
}

function groupResults(
  assignments: readonly AssignmentRecord[],
  tallies: ReadonlyMap<string, Tally>,
  iterationWide: Tally,
) {
  const groups = assignments.map((a) => ({
    title: `${a.local_id} (${a.role})`,
    ...(tallies.get(a.id) ?? tally([])),
  }));
  if (iterationWide.results.length > 0) groups.push({ title: "Iteration-wide checks", ...iterationWide });
  return groups;
}

/** A list of check results with its failed and skipped ones picked out and its passes counted. */
interface Tally {
  results: readonly CheckResult[];
  failed: CheckResult[];
  skipped: CheckResult[];
  passed: number;
}

function tally(results: readonly CheckResult[]): Tally {
  const failed: CheckResult[] = [];
  const skipped: CheckResult[] = [];
  let passed = 0;
  for (const r of results) {
    if (r.status === "failed") failed.push(r);
    else if (r.status === "skipped") skipped.push(r);
    else passed++;
  }
  return { results, failed, skipped, passed };
}
