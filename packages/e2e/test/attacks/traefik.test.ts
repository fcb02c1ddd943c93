/** The attack suite (src/attacks) against traefik. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { traefikStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: traefik', 'traefik', traefikStack);
