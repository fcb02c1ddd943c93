/**
 * The attack suite (src/attacks, docs/security.md) against a Traefik STAND-IN (src/stand-in-proxies.ts):
 * Traefik does not run on these machines, so this is a Node server following Traefik's documented entry point
 * and forwardAuth semantics with the configuration of docs/forward-auth/traefik.md. It shows what the outpost
 * answers Traefik, not what Traefik itself does.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { traefikStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: traefik (a stand-in following its docs)', 'traefik', traefikStack);
