/** The attack suite (src/attacks) against proxy-mode. */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { proxyModeStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: proxy-mode', 'proxy', proxyModeStack);
