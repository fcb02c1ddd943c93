import { type TSchema, Type } from '@sinclair/typebox';

/** The contract's GenericError. */
export const GenericError = Type.Object(
  { detail: Type.String(), code: Type.Optional(Type.String()) },
  { $id: 'GenericError' },
);

/** The contract's ValidationError: field -> messages, plus non_field_errors and a code. */
export const ValidationError = Type.Object(
  { non_field_errors: Type.Optional(Type.Array(Type.String())), code: Type.Optional(Type.String()) },
  { additionalProperties: true, $id: 'ValidationError' },
);

/** The contract's Pagination block; next/previous are 0 when there is no such page. */
export const Pagination = Type.Object({
  next: Type.Number(),
  previous: Type.Number(),
  count: Type.Number(),
  current: Type.Number(),
  total_pages: Type.Number(),
  start_index: Type.Number(),
  end_index: Type.Number(),
});

/** A paginated list of `item`, in the contract's envelope. */
export function Paginated<T extends TSchema>(item: T) {
  return Type.Object({
    pagination: Pagination,
    results: Type.Array(item),
    autocomplete: Type.Record(Type.String(), Type.Unknown()),
  });
}

/** The query parameters every list endpoint takes. */
export const ListQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  ordering: Type.Optional(Type.String({ maxLength: 200 })),
  search: Type.Optional(Type.String({ maxLength: 200 })),
};

/** An RFC 3339 timestamp. */
export const DateTime = Type.String({ format: 'date-time' });

/** A JSON object of free-form attributes. */
export const Attributes = Type.Record(Type.String(), Type.Unknown());

/** A nullable variant of a schema. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** The contract's UsedByActionEnum: what deleting the object asked about does to one that refers to it. */
export const UsedByAction = Type.Union(
  ['cascade', 'cascade_many', 'set_null', 'set_default', 'left_dangling'].map((a) => Type.Literal(a)),
);

/** The contract's UsedBy: an object that refers to the one asked about, and what its deletion does to it. */
export const UsedBy = Type.Object({
  app: Type.String(),
  model_name: Type.String(),
  pk: Type.String(),
  name: Type.String(),
  action: UsedByAction,
});
