import { z } from "zod";

/** Parameter schemas shared by several kinds: a key means the same thing wherever it appears. */
export const text = z.string().trim().min(1, "must not be empty");
export const bytes = z.number().int().nonnegative();
export const pattern = z.string().min(1);
export const schema = z.union([text, z.record(z.string(), z.unknown())]);

/** How long a `command` runs before it is stopped, unless the check says `timeout_s`. */
export const DEFAULT_COMMAND_TIMEOUT_S = 60;

/** Names of the operator's commands in .baton/config.yaml (`test`, `typecheck`). */
export const COMMAND_NAME = /^[a-z][a-z0-9_-]*$/;
export const COMMAND_NAME_RULE =
  "command names are lowercase letters, digits, `_` and `-`, starting with a letter, e.g. `test`";
