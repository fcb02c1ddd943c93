/** The attack suite (src/attacks) against ingress-nginx. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { ingressNginxStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: ingress-nginx', 'ingress-nginx', ingressNginxStack);
