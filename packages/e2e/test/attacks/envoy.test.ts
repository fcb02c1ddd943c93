/** The attack suite (src/attacks) against envoy. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { envoyStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: envoy', 'envoy', envoyStack);
