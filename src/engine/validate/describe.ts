import type { Check } from "../../config/schema.js";
import { kindNamed } from "./kinds/index.js";
import type { Params } from "./kinds/kind.js";

/** A check in the words of its kind; `file` is already inline code. */
export function describeKind(check: Check, file: string): string {
  const kind = kindNamed(check.check);
  // The workflow schema admits only registered kinds; a stored snapshot may predate a removed one.
  if (!kind) return `${file} passes the check \`${check.check}\`, which this version of Baton does not know`;
  return kind.describe(check as unknown as Params<typeof kind.params>, file);
}
