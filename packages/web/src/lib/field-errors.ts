/** Field name → messages, as the API's validation errors carry them (`non_field_errors` for the rest). */
export type FieldErrors = Record<string, string[]>;
