/** The attack suite (src/attacks) against nginx. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { nginxDocStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: nginx', 'nginx', nginxDocStack);
