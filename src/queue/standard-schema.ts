/**
 * The Standard Schema interface (standardschema.dev), copied as its authors
 * recommend so brook depends on no schema library: zod, valibot, arktype
 * and others implement it. A topic's payload type is the schema's output.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> };

export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** Validate; returns the value or a one-line description of the issues. */
export async function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const r = await schema['~standard'].validate(value);
  if (r.issues === undefined) return { ok: true, value: r.value };
  const reason = r.issues
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
  return { ok: false, reason };
}
