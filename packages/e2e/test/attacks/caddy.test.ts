/** The attack suite (src/attacks) against caddy. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { caddyDocStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: caddy', 'caddy', caddyDocStack);
