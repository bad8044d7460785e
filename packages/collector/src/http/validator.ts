/**
 * Route schemas are zod (the wire schema comes from the protocol package as
 * zod); this compiler lets Fastify run them and turns the first issue into a
 * CollectorError, so validation errors take the same path as every other error.
 */
import type { FastifySchemaCompiler } from "fastify";
import type { ZodError, ZodType } from "zod";
import { CollectorError, formatPath } from "./errors.js";

type Part = "body" | "querystring" | "params" | "headers" | string;

export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => {
  // a body is only checked: the allow-list (sanitize) then reads the original and
  // counts what it drops; query strings and params keep zod's coerced values
  const keepOriginal = httpPart === "body";
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: keepOriginal ? data : result.data };
    return { error: toCollectorError(result.error, httpPart ?? "body") };
  };
};

/**
 * The same compiler with a fast path in front: when `accepts` says the data
 * surely passes the schema, zod is skipped and the data kept as it is (bodies
 * are only checked, see above); otherwise zod decides and names the error.
 */
export function withFastPath<S>(accepts: (data: unknown) => boolean): FastifySchemaCompiler<S> {
  return (route) => {
    // a route's own compiler is typed by its whole schema object; each part of it is a zod type
    const slow = zodValidatorCompiler(route as unknown as Parameters<typeof zodValidatorCompiler>[0]);
    return (data: unknown) => (route.httpPart === "body" && accepts(data) ? { value: data } : slow(data));
  };
}

function toCollectorError(error: ZodError, part: Part): CollectorError {
  const issue = error.issues[0];
  const path = issue ? formatPath(issue.path).slice(0, 256) : null;
  const message = issue?.message ?? "invalid input";
  if (part === "body") {
    if (issue?.code === "too_big" && path === "events") {
      return new CollectorError({ code: "too_many_events", message: `${message}; split the batch`, path });
    }
    if (issue?.code === "invalid_value" && path === "v") {
      return new CollectorError({ code: "unsupported_version", message: "unsupported protocol version", path });
    }
    if (issue?.code === "invalid_union" && path?.endsWith(".type")) {
      return new CollectorError({ code: "invalid_batch", message: "unknown event type", path });
    }
    return new CollectorError({ code: "invalid_batch", message, path });
  }
  if (part === "params") return new CollectorError({ code: "invalid_id", message, path });
  return new CollectorError({ code: "invalid_query", message, path });
}
