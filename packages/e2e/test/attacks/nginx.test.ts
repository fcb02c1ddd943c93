/**
 * The attack suite (src/attacks, docs/security.md) against real nginx running docs/forward-auth/nginx.md's upstream once and its server block once per application host, in front of a
 * standalone `palisade outpost`.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { nginxDocStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: nginx', 'nginx', nginxDocStack);
