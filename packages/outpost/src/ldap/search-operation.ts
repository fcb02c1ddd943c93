/**
 * The search and compare operations (RFC 4511 §4.5, §4.10) over the tree: routing (root DSE, subschema,
 * the binder's provider), authorization (anonymous sees the root DSE only; a binder only their provider),
 * the paged-results control, attribute selection, and the result codes of spec §4.
 */
import { requestedAttributes } from './attributes.ts';
import type { ConnectionState } from './connection.ts';
import { normalizeDn, normalizeDnCached } from './dn.ts';
import type { Entry } from './entry.ts';
import { filterToString } from './filter.ts';
import type { Control, SearchRequest } from './messages.ts';
import { decodePageRequest } from './paged-results.ts';
import { RESPONSE, pagedResultsValue, resultMessage, searchEntry } from './responses.ts';
import { OID, RESULT } from './result-codes.ts';
import { searchTree, type SearchOutcome } from './search.ts';
import { rootDse, SUBSCHEMA_DN, subschemaEntry } from './special-entries.ts';
import { matches } from './match.ts';

const SUBSCHEMA_KEY = normalizeDn(SUBSCHEMA_DN) as string;

/** Why a search or compare was refused before it ran: the code, the metric's reason, the text. */
interface Refusal {
  refused: number;
  reason: string;
  message: string;
}

function reject(state: ConnectionState, id: number, tag: number, refusal: Refusal): void {
  const type = tag === RESPONSE.compare ? 'compare' : 'search';
  state.host.metrics.rejected(type, refusal.reason, state.user?.provider.applicationSlug ?? '');
  state.send(resultMessage(id, tag, refusal.refused, refusal.message));
}

/** Finds the entries of a search, or says why not. */
async function find(state: ConnectionState, request: SearchRequest): Promise<SearchOutcome | Refusal> {
  const baseKey = normalizeDnCached(request.base);
  if (baseKey === undefined) {
    return { refused: RESULT.invalidDNSyntax, reason: 'invalid_dn', message: 'the base is not a DN' };
  }
  const user = state.user;
  const single = (entry: Entry): SearchOutcome => ({
    code: RESULT.success,
    message: '',
    entries: request.scope === 'base' && matches(entry, request.filter) ? [entry] : [],
  });
  if (baseKey === '' && request.scope !== 'sub') {
    // The root DSE is a base-scope entry; it has no children to list (spec §1.3: one level is 32).
    if (request.scope === 'one') return { code: RESULT.noSuchObject, message: 'no such entry', entries: [] };
    return single(rootDse(user?.provider, state.host.version));
  }
  if (baseKey === SUBSCHEMA_KEY) return single(subschemaEntry());
  if (!user) {
    return { refused: RESULT.insufficientAccessRights, reason: 'empty_bind_dn', message: 'bind first' };
  }
  const provider = user.provider;
  const searchBase = baseKey === '' ? provider.baseKey : baseKey;
  if (searchBase !== provider.baseKey && !searchBase.endsWith(`,${provider.baseKey}`)) {
    // Another provider's tree, or none: nothing of it exists for this binder.
    return { refused: RESULT.noSuchObject, reason: 'invalid_base', message: 'no such entry' };
  }
  const started = Date.now();
  const limitMs = Math.min(
    request.timeLimit > 0 ? request.timeLimit * 1000 : Infinity,
    state.host.limits.maxSearchMs,
  );
  let directory;
  try {
    directory = await state.host.directoryFor(
      user,
      request.filter,
      baseKey === '' ? provider.baseDn : request.base,
    );
  } catch (error) {
    state.host.log.warn({ err: (error as Error).message }, 'LDAP search could not read the directory');
    return {
      refused: RESULT.unavailable,
      reason: 'directory_unavailable',
      message: 'the identity core is unavailable',
    };
  }
  return searchTree(directory, {
    baseKey: searchBase,
    scope: request.scope,
    filter: request.filter,
    sizeLimit: request.sizeLimit,
    deadline: started + limitMs,
  });
}

function fingerprint(request: SearchRequest): string {
  return JSON.stringify([
    request.base.toLowerCase(),
    request.scope,
    filterToString(request.filter),
    request.attributes,
    request.typesOnly,
  ]);
}

/** Answers a search request. */
export async function searchRequest(
  state: ConnectionState,
  id: number,
  request: SearchRequest,
  controls: readonly Control[],
): Promise<void> {
  const pagedControl = controls.find((c) => c.oid === OID.pagedResults);
  const page = pagedControl ? decodePageRequest(pagedControl.value) : undefined;
  // Only a paged search is held between requests, and only it needs telling apart.
  const print = page ? fingerprint(request) : '';
  let outcome: SearchOutcome | undefined;
  if (page && page.cookie.length > 0) {
    const held = state.paged.take(page.cookie, print);
    if (!held) {
      return reject(state, id, RESPONSE.searchDone, {
        refused: RESULT.unwillingToPerform,
        reason: 'paged_cookie',
        message: 'unknown paged results cookie',
      });
    }
    outcome = { code: held.code, message: held.message, entries: held.rest };
  } else {
    const found = await find(state, request);
    if ('refused' in found) return reject(state, id, RESPONSE.searchDone, found);
    outcome = found;
  }
  let entries = outcome.entries;
  const responseControls = [];
  if (page) {
    let cookie: Buffer = Buffer.alloc(0);
    // Size 0 with a cookie abandons the paged search (RFC 2696 §3).
    if (page.size === 0) entries = [];
    else if (entries.length > page.size) {
      cookie = state.paged.hold(print, entries.slice(page.size), outcome.code, outcome.message);
      entries = entries.slice(0, page.size);
    }
    responseControls.push({ oid: OID.pagedResults, value: pagedResultsValue(cookie) });
    if (cookie.length > 0) outcome = { ...outcome, code: RESULT.success, message: '' };
  }
  const wanted = requestedAttributes(request.attributes);
  if (outcome.code !== RESULT.success) {
    state.host.metrics.rejected(
      'search',
      outcome.code === RESULT.sizeLimitExceeded ? 'size_limit' : 'time_limit',
      state.user?.provider.applicationSlug ?? '',
    );
  }
  // The entries and the done message in one write: one system call per search, not one per message.
  const messages = entries.map((entry) => searchEntry(id, entry, wanted, request.typesOnly));
  messages.push(resultMessage(id, RESPONSE.searchDone, outcome.code, outcome.message, responseControls));
  state.send(messages.length === 1 ? (messages[0] as Buffer) : Buffer.concat(messages));
}

/** Answers a compare request: compareTrue/compareFalse, noSuchObject, noSuchAttribute. */
export async function compareRequest(
  state: ConnectionState,
  id: number,
  request: { dn: string; attribute: string; value: string },
): Promise<void> {
  const reply = (code: number, message = '') =>
    state.send(resultMessage(id, RESPONSE.compare, code, message));
  const filter = { type: 'present' as const, attribute: 'objectClass' };
  const outcome = await find(state, {
    kind: 'search',
    base: request.dn,
    scope: 'base',
    sizeLimit: 1,
    timeLimit: 0,
    typesOnly: false,
    filter,
    attributes: [],
  });
  if ('refused' in outcome) return reject(state, id, RESPONSE.compare, outcome);
  const entry = outcome.entries[0];
  if (!entry) return reply(RESULT.noSuchObject, 'no such entry');
  const values = entry.attributes.get(request.attribute.split(';')[0]?.toLowerCase() ?? '');
  if (!values) return reply(RESULT.noSuchAttribute, 'no such attribute');
  const equal = matches(entry, { type: 'equal', attribute: request.attribute, value: request.value });
  reply(equal ? RESULT.compareTrue : RESULT.compareFalse);
}
