import { z } from "zod";

/** Parameter schemas shared by several kinds: a key means the same thing wherever it appears. */
export const text = z.string().trim().min(1, "must not be empty");
export const bytes = z.number().int().nonnegative();
export const pattern = z.string().min(1);
export const schema = z.union([text, z.record(z.string(), z.unknown())]);

/** How long a `command` runs before it is stopped, unless the check says `timeout_s`. */
export const DEFAULT_COMMAND_TIMEOUT_S = 60;
