/**
 * RFC 6902 JSON Patch over RFC 6901 pointers, for `kubernetes_json_patches` (controllers.md §5.4). Applied to
 * a copy; the input is never changed. A failing operation (missing path, failed `test`) throws a
 * JsonPatchError saying which operation and why.
 */

/** One RFC 6902 operation, as OutpostConfig's JsonPatchOperation admits it. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

/** A patch that cannot be applied. */
export class JsonPatchError extends Error {
  constructor(index: number, operation: JsonPatchOperation, reason: string) {
    super(`JSON Patch failed: operation ${index} (${operation.op} ${operation.path}): ${reason}`);
    this.name = 'JsonPatchError';
  }
}

type Container = Record<string, unknown> | unknown[];

/** RFC 6901 §4: `~1` is `/`, `~0` is `~`, in that order. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** The parent container of a pointer's target and the target's last token. */
function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) throw new Error('the whole document cannot be the target here');
  let node = doc;
  for (const token of path) {
    if (!isContainer(node)) throw new Error(`no container at "${token}"`);
    node = Array.isArray(node) ? node[Number(token)] : node[token];
  }
  if (!isContainer(node)) throw new Error('the parent does not exist');
  return { parent: node, key };
}

function arrayIndex(array: unknown[], key: string, forAdd: boolean): number {
  if (forAdd && key === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new Error(`"${key}" is not an array index`);
  const index = Number(key);
  if (index > array.length || (!forAdd && index === array.length))
    throw new Error(`index ${index} is out of range`);
  return index;
}

function get(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const token of tokens(pointer)) {
    if (!isContainer(node)) throw new Error(`path "${pointer}" does not exist`);
    const next = Array.isArray(node) ? node[Number(token)] : node[token];
    if (next === undefined) throw new Error(`path "${pointer}" does not exist`);
    node = next;
  }
  return node;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (!(key in parent)) throw new Error(`path "${pointer}" does not exist`);
  else delete parent[key];
  return doc;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Applies `operations` in order to a copy of `document` and returns the result. */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let doc: unknown = clone(document);
  operations.forEach((operation, index) => {
    try {
      switch (operation.op) {
        case 'add':
          doc = add(doc, operation.path, clone(operation.value));
          break;
        case 'remove':
          doc = remove(doc, operation.path);
          break;
        case 'replace':
          get(doc, operation.path);
          doc = add(remove(doc, operation.path), operation.path, clone(operation.value));
          break;
        case 'move': {
          const value = get(doc, operation.from);
          doc = add(remove(doc, operation.from), operation.path, value);
          break;
        }
        case 'copy':
          doc = add(doc, operation.path, clone(get(doc, operation.from)));
          break;
        case 'test':
          if (JSON.stringify(get(doc, operation.path)) !== JSON.stringify(operation.value))
            throw new Error('the value differs');
          break;
      }
    } catch (error) {
      throw new JsonPatchError(index, operation, (error as Error).message);
    }
  });
  return doc as T;
}
