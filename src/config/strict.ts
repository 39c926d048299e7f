import { z } from "zod";

/** An object schema that rejects unknown keys and names the valid ones (typos are the usual cause). */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const valid = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key \`${issue.keys.join("`, `")}\`; valid keys: ${valid}`
        : undefined,
  });
}
