/**
 * The attack suite (src/attacks, docs/security.md) against an Envoy STAND-IN (src/stand-in-proxies.ts): Envoy
 * does not run on these machines, so this is a Node server following Envoy's documented ext_authz semantics
 * with the configuration of docs/forward-auth/envoy.md. It shows what the outpost answers Envoy, not what
 * Envoy itself does.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { envoyStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: envoy (a stand-in following its docs)', 'envoy', envoyStack);
