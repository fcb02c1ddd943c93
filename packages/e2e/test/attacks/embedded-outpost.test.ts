/** The attack suite (src/attacks) against embedded-outpost. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { embeddedProxyModeStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: embedded-outpost', 'proxy', embeddedProxyModeStack);
