/**
 * Answers one decoded request on a connection: bind, unbind, search, compare, the extended operations
 * (StartTLS, Who am I?), abandon, and the refusal of writes (a read-only directory). Every path sends its
 * response itself and catches its own failures, so the connection only ever sees a completed answer.
 */
import { BerError } from './ber.ts';
import type { ConnectionState } from './connection.ts';
import { userDn } from './entries.ts';
import type { LdapOperation } from './ldap-metrics.ts';
import type { Message } from './messages.ts';
import { WRITE_RESPONSE_TAG } from './messages.ts';
import { RESPONSE, extendedResponse, resultMessage } from './responses.ts';
import { OID, RESULT } from './result-codes.ts';
import { compareRequest, searchRequest } from './search-operation.ts';

/** Controls this server understands; an unknown one marked critical is refused (RFC 4511 §4.1.11). */
const KNOWN_CONTROLS = new Set<string>([OID.pagedResults]);

/** The response tag of each request kind that has one (for a refusal before the operation runs). */
function responseTag(message: Message): number | undefined {
  const request = message.request;
  switch (request.kind) {
    case 'bind':
      return RESPONSE.bind;
    case 'search':
      return RESPONSE.searchDone;
    case 'compare':
      return RESPONSE.compare;
    case 'write':
      return WRITE_RESPONSE_TAG[request.op];
    default:
      return undefined;
  }
}

function timed(state: ConnectionState, type: LdapOperation, started: bigint): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  state.host.metrics.observe(type, state.user?.provider.applicationSlug ?? '', seconds);
}

async function bind(state: ConnectionState, message: Message & { request: { kind: 'bind' } }): Promise<void> {
  const { request } = message;
  const reply = (code: number, text: string) =>
    state.send(resultMessage(message.id, RESPONSE.bind, code, text));
  // A bind starts over: whatever the connection was bound as is gone (RFC 4511 §4.2.1).
  if (state.user) void state.host.release(state.user, state.clientIp);
  state.user = undefined;
  state.paged.clear();
  if (request.version !== 3) return reply(RESULT.protocolError, 'only LDAPv3 is supported');
  if (request.auth === 'sasl') {
    state.host.metrics.rejected('bind', 'sasl', '');
    return reply(RESULT.authMethodNotSupported, 'only simple binds are supported');
  }
  const secret = request.password.toString('utf8');
  if (request.name === '' && secret === '') return reply(RESULT.success, '');
  if (secret === '') {
    // An unauthenticated bind (a name, no password; RFC 4513 §5.1.2) is refused, never anonymous.
    state.host.metrics.rejected('bind', 'empty_password', '');
    return reply(RESULT.invalidCredentials, 'invalid credentials');
  }
  const outcome = await state.host.bind(request.name, secret, state.clientIp);
  if (outcome.code === RESULT.success && 'user' in outcome) {
    state.user = outcome.user;
    return reply(RESULT.success, '');
  }
  if ('reason' in outcome) {
    state.host.metrics.rejected('bind', outcome.reason, '');
    state.host.log.info(
      { reason: outcome.reason, detail: outcome.detail, bindDN: request.name, client: state.clientIp },
      'LDAP bind refused',
    );
  }
  // Say little to the client (CONVENTIONS 7): the reason is in the log and the metric.
  return reply(
    outcome.code,
    outcome.code === RESULT.unavailable ? 'the identity core is unavailable' : 'invalid credentials',
  );
}

function extended(state: ConnectionState, message: Message & { request: { kind: 'extended' } }): void {
  const { oid } = message.request;
  if (oid === OID.startTls) {
    if (!state.canStartTls()) {
      state.send(extendedResponse(message.id, RESULT.operationsError, 'TLS cannot start now', OID.startTls));
      return;
    }
    state.send(extendedResponse(message.id, RESULT.success, '', OID.startTls));
    state.startTls();
    return;
  }
  if (oid === OID.whoAmI) {
    const user = state.user;
    const identity = user ? `dn:${userDn(user.provider, user.username)}` : '';
    state.send(extendedResponse(message.id, RESULT.success, '', undefined, Buffer.from(identity)));
    return;
  }
  state.host.metrics.rejected('extended', 'unknown_extended_operation', '');
  state.send(extendedResponse(message.id, RESULT.protocolError, `unknown extended operation ${oid}`));
}

/** Answers `message` on `state`. */
export async function answer(state: ConnectionState, message: Message): Promise<void> {
  const started = process.hrtime.bigint();
  const { request } = message;
  const critical = message.controls.find((c) => c.critical && !KNOWN_CONTROLS.has(c.oid));
  const tag = responseTag(message);
  if (critical && tag !== undefined) {
    state.send(
      resultMessage(
        message.id,
        tag,
        RESULT.unavailableCriticalExtension,
        `unsupported critical control ${critical.oid}`,
      ),
    );
    return;
  }
  try {
    switch (request.kind) {
      case 'bind':
        await bind(state, { ...message, request });
        return timed(state, 'bind', started);
      case 'unbind':
        // RFC 4511 §4.3: no response; the connection ends.
        state.close('unbind');
        return;
      case 'search':
        await searchRequest(state, message.id, request, message.controls);
        return timed(state, 'search', started);
      case 'compare':
        await compareRequest(state, message.id, request);
        return timed(state, 'compare', started);
      case 'extended':
        if (critical) {
          state.send(
            extendedResponse(message.id, RESULT.unavailableCriticalExtension, 'unsupported critical control'),
          );
          return;
        }
        extended(state, { ...message, request });
        return timed(state, 'extended', started);
      case 'abandon':
        // Requests are answered in order, so the one named has finished or not started: nothing to stop.
        return;
      case 'write':
        state.host.metrics.rejected('write', 'read_only', state.user?.provider.applicationSlug ?? '');
        state.send(
          resultMessage(
            message.id,
            WRITE_RESPONSE_TAG[request.op],
            RESULT.unwillingToPerform,
            'this directory is read-only',
          ),
        );
        return;
    }
  } catch (error) {
    if (error instanceof BerError && tag !== undefined) {
      // A control value that does not decode: the request is malformed, the connection can go on.
      state.send(resultMessage(message.id, tag, RESULT.protocolError, error.message));
      return;
    }
    state.host.log.error({ err: (error as Error).message, op: request.kind }, 'LDAP operation failed');
    if (tag !== undefined)
      state.send(resultMessage(message.id, tag, RESULT.operationsError, 'internal error'));
  }
}
