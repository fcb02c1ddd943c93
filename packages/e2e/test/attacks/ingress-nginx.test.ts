/**
 * The attack suite (src/attacks, docs/security.md) against real nginx running what ingress-nginx renders for
 * docs/forward-auth/ingress-nginx.md's annotations (seed 002's, with every identity header), in front of the
 * core's embedded outpost as seed 002 uses it.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { ingressNginxStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: ingress-nginx', 'ingress-nginx', ingressNginxStack);
