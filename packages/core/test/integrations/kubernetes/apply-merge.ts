/**
 * The field-ownership part of server-side apply, as the stand-in API server implements it: an object's
 * leaves (scalars, and lists taken whole: a simplification of the real per-key list merge) are owned by the
 * field manager that last set them. An apply sets its leaves, takes them over (a conflict when another
 * manager owns a differing value and `force` is off), and removes the leaves that manager applied before and
 * no longer sends.
 */

type Json = Record<string, unknown>;
/** A leaf's path, as JSON text of its keys. */
export type LeafPath = string;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf of a value with its path. */
export function leaves(value: unknown, prefix: string[] = [], out = new Map<LeafPath, unknown>()) {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...prefix, k], out);
  } else if (prefix.length > 0) {
    out.set(JSON.stringify(prefix), value);
  }
  return out;
}

function setAt(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path.at(-1) as string] = structuredClone(value);
}

function removeAt(target: Json, path: string[]): void {
  const parents: Json[] = [];
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node)) return;
    parents.push(node);
    node = node[key];
  }
  if (!isObject(node)) return;
  delete node[path.at(-1) as string];
  // Objects emptied by the removal go too.
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = parents[i] as Json;
    const child = parent[path[i] as string];
    if (isObject(child) && Object.keys(child).length === 0) delete parent[path[i] as string];
    else break;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The outcome of an apply: the merged object and owners, or the conflicting fields. */
export type MergeResult =
  | { object: Json; owners: Map<LeafPath, string>; conflicts?: undefined }
  | { conflicts: Array<{ path: string; manager: string }> };

/** Merges `applied` by `manager` into `current` (undefined: the object is new). */
export function mergeApply(
  current: Json | undefined,
  currentOwners: ReadonlyMap<LeafPath, string>,
  applied: Json,
  manager: string,
  force: boolean,
): MergeResult {
  const wanted = leaves(applied);
  const live = leaves(current ?? {});
  const conflicts: Array<{ path: string; manager: string }> = [];
  for (const [path, value] of wanted) {
    const owner = currentOwners.get(path);
    if (owner && owner !== manager && live.has(path) && !same(live.get(path), value))
      conflicts.push({ path: `.${(JSON.parse(path) as string[]).join('.')}`, manager: owner });
  }
  if (conflicts.length && !force) return { conflicts };
  const object = structuredClone(current ?? {});
  const owners = new Map(currentOwners);
  for (const [path, owner] of currentOwners) {
    if (owner === manager && !wanted.has(path)) {
      removeAt(object, JSON.parse(path) as string[]);
      owners.delete(path);
    }
  }
  for (const [path, value] of wanted) {
    setAt(object, JSON.parse(path) as string[], value);
    owners.set(path, manager);
  }
  return { object, owners };
}
