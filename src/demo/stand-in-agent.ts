#!/usr/bin/env node
/**
 * A deterministic STAND-IN for an AI agent, used by `npm run demo` and the tests: no LLM. It reads
 * the BATON_* variables that `baton orchestrate` sets and writes plausible deliverables for the
 * user-story-refinement workflow. On the first attempt the requirements of US-3 and US-7 leave out
 * their acceptance criteria on purpose, so validation fails, the rework prompt fixes them, and the
 * miss becomes a learning.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const INCOMPLETE_ON_FIRST_ATTEMPT = new Set(["US-3", "US-7"]);

// Its working folder: the workspace, or its own git worktree under `--isolate`.
const workspace = process.env.BATON_WORKDIR ?? process.env.BATON_WORKSPACE ?? process.cwd();
const deliverables = JSON.parse(process.env.BATON_DELIVERABLES ?? "[]") as string[];
const attempt = Number(process.env.BATON_ATTEMPT ?? "1");

function storyOf(file: string): { id: string; title: string; want: string } {
  const id = /stories\/([^/]+)\//.exec(file)?.[1] ?? path.basename(path.dirname(file));
  const source = path.join(workspace, "stories", `${id}.md`);
  const text = existsSync(source) ? readFileSync(source, "utf8") : "";
  const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? id;
  // Story files title themselves "US-3: Invoice history"; the id is written separately.
  const title = heading.startsWith(`${id}:`) ? heading.slice(id.length + 1).trim() || id : heading;
  const want =
    /I want (.+?)(?:,|\s+so that)/i.exec(text)?.[1]?.trim() ?? "the capability described in the story";
  return { id, title, want };
}

/** A closing section, so stand-in documents reach the sizes real ones have. */
const notes = (topic: string) =>
  [
    "",
    "## Notes",
    "",
    `This ${topic} was written by Baton's deterministic stand-in agent for the demo; a real agent would ground every line in the story, the workspace standards and the glossary.`,
    "Decisions recorded here are traceable to requirement ids, and open points are listed with an owner rather than resolved silently.",
    "Reviewers should confirm the human criteria in COMPLETION_CRITERIA.md; Baton only verifies the machine checks.",
  ].join("\n");

const bullets = (prefix: string, lines: string[]) =>
  lines.map((l, i) => `- ${prefix}${i + 1}: ${l}`).join("\n");

function requirements(file: string): string {
  const s = storyOf(file);
  const parts = [
    `# Requirements — ${s.id}: ${s.title}`,
    "",
    `Stand-in output for the demo (no LLM). The story asks for ${s.want}.`,
    "",
    "## Functional Requirements",
    "",
    bullets("FR-", [
      `The system lets an authorized workspace owner request ${s.want} from the billing settings page.`,
      "The system validates every input on the server and rejects invalid values with error code BILLING_INVALID_INPUT.",
      "The system records each billing change in the audit log with actor, time, old value and new value.",
      "The system shows the result of the change within the same page without a full reload.",
    ]),
    "",
    "## Non-Functional Requirements",
    "",
    bullets("NFR-", [
      "The billing page answers within 300 ms at the 95th percentile for 1,000 concurrent users.",
      "Card data never touches Tasklane servers; the payment provider tokenizes it.",
    ]),
  ];
  if (!(attempt === 1 && INCOMPLETE_ON_FIRST_ATTEMPT.has(s.id))) {
    parts.push(
      "",
      "## Acceptance Criteria",
      "",
      "- AC-1: Given a workspace owner on the billing page, When they submit valid details, Then the change is saved and confirmed on the page.",
      "- AC-2: Given a member without the owner role, When they open billing settings, Then they see a 403 page and nothing changes.",
      "- AC-3: Given invalid input, When it is submitted, Then the error BILLING_INVALID_INPUT is shown next to the field.",
    );
  }
  parts.push(
    "",
    "## Open Questions",
    "",
    "- Q1 (owner: product): should invoices be regenerated after a change? Assumed: no.",
  );
  return parts.join("\n");
}

function technicalDesign(file: string): string {
  const s = storyOf(file);
  return [
    `# Technical design — ${s.id}: ${s.title}`,
    "",
    "## Overview",
    "",
    `Implements FR-1 to FR-4 of ${s.id} inside the existing billing service; no new deployable. The design keeps card data with the payment provider and records every change for audit.`,
    "",
    "## Components",
    "",
    "- `BillingSettingsController` (FR-1, FR-4): HTTP handlers behind the owner-only policy.",
    "- `BillingService` (FR-1, FR-2): validation and orchestration; calls the provider client.",
    "- `AuditLogWriter` (FR-3): appends an immutable audit entry in the same transaction.",
    "",
    "## Data Model",
    "",
    "- Table `billing_settings` (workspace_id PK, plan, currency, updated_at); index on updated_at.",
    "- Table `billing_audit` (id PK, workspace_id FK, actor_id, changed_at, old_value JSONB, new_value JSONB).",
    "- Migration `2026_11_add_billing_audit` is additive and reversible.",
    "",
    "## API",
    "",
    "- `PUT /api/v1/workspaces/{id}/billing` → 200 with the saved settings; 400 `BILLING_INVALID_INPUT`; 403 `FORBIDDEN`.",
    "- `GET /api/v1/workspaces/{id}/billing/audit` → 200 with a paginated list (cursor, limit ≤ 100).",
    "",
    "## Risks",
    "",
    "- Provider latency can exceed the NFR-1 target; mitigation: asynchronous confirmation with a pending state.",
    "- Concurrent edits by two owners; mitigation: optimistic locking on updated_at.",
    notes("technical design"),
  ].join("\n");
}

function testPlan(file: string): string {
  const s = storyOf(file);
  return [
    `# Test plan — ${s.id}: ${s.title}`,
    "",
    "## Test Strategy",
    "",
    "Unit tests for validation rules, integration tests for the controller with a fake provider, one end-to-end test of the happy path. Stand-in output for the demo.",
    "",
    "## Test Cases",
    "",
    "| id | covers | steps | expected |",
    "|---|---|---|---|",
    "| TC-1 | AC-1 | owner submits valid details | 200, settings saved, confirmation shown |",
    "| TC-2 | AC-2 | member opens billing settings | 403 FORBIDDEN, nothing changes |",
    "| TC-3 | AC-3 | submit an invalid currency | 400 BILLING_INVALID_INPUT next to the field |",
    "| TC-4 | FR-3 | any successful change | one audit entry with old and new value |",
    "",
    "## Edge Cases",
    "",
    "- Two owners save at the same moment: the second gets 409 and sees the fresh values.",
    "- The provider times out: the change stays pending and is retried.",
    "",
    "## Coverage",
    "",
    "AC-1 → TC-1; AC-2 → TC-2; AC-3 → TC-3. Every acceptance criterion has at least one test case.",
    notes("test plan"),
  ].join("\n");
}

function securityReview(file: string): string {
  const s = storyOf(file);
  return [
    `# Security review — ${s.id}: ${s.title}`,
    "",
    "## Threats",
    "",
    "- Elevation of privilege (STRIDE E) at `PUT /billing`: a member changes billing settings.",
    "- Information disclosure (STRIDE I) in the audit endpoint: another workspace's history leaks.",
    "",
    "## Findings",
    "",
    "### F-1 Owner check only in the UI",
    "Severity: High. Location: BillingSettingsController. CWE-285. The API must enforce the owner policy itself.",
    "",
    "### F-2 Audit listing not scoped",
    "Severity: Medium. Location: audit query. CWE-639. Filter by workspace id from the session, never from the URL alone.",
    "",
    "## Recommendations",
    "",
    "- Enforce the owner policy in the controller with the shared `requireRole('owner')` middleware (F-1).",
    "- Derive workspace id from the authenticated session and add a test for cross-workspace access (F-2).",
    notes("security review"),
  ].join("\n");
}

const POINTS = [1, 2, 3, 5, 8, 13];

function pointsOf(id: string): number {
  const n = Number(/\d+/.exec(id)?.[0] ?? "1");
  return POINTS[n % POINTS.length] ?? 3;
}

function estimationMd(file: string): string {
  const s = storyOf(file);
  return [
    `# Estimation — ${s.id}: ${s.title}`,
    "",
    "## Estimate",
    "",
    `**Story points:** ${pointsOf(s.id)}`,
    "",
    "Driven by the design scope (three components), the test effort (four test cases) and security finding F-1.",
    "",
    "## Breakdown",
    "",
    "- Implementation: controller, service and audit writer.",
    "- Tests: TC-1 to TC-4 and the cross-workspace test.",
    "- Documentation and rollout: release note, feature flag, staged rollout.",
    "",
    "## Risks",
    "",
    "- Provider latency (likelihood medium, impact medium): asynchronous confirmation; owner: backend lead.",
    notes("estimate"),
  ].join("\n");
}

function estimationJson(file: string): string {
  const s = storyOf(file);
  return JSON.stringify({ story_id: s.id, points: pointsOf(s.id), confidence: "medium" }, null, 2);
}

function generic(file: string): string {
  return [
    `# ${path.basename(file)}`,
    "",
    "Stand-in output for the demo (no LLM).",
    "",
    "## Overview",
    "",
    "This deliverable was written by the deterministic stand-in agent that ships with Baton's demo.",
    "It exists so the orchestration can be shown end to end without an API key.",
    "",
    "## Details",
    "",
    'Replace the stand-in with a real agent through `baton orchestrate --launcher "..."`.',
  ].join("\n");
}

const WRITERS: Record<string, (file: string) => string> = {
  "requirements.md": requirements,
  "technical-design.md": technicalDesign,
  "test-plan.md": testPlan,
  "security-review.md": securityReview,
  "estimation.md": estimationMd,
  "estimation.json": estimationJson,
};

for (const file of deliverables) {
  const target = path.join(workspace, file);
  mkdirSync(path.dirname(target), { recursive: true });
  const write = WRITERS[path.basename(file)] ?? generic;
  writeFileSync(target, `${write(file)}\n`);
}
