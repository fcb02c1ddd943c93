/**
 * Signs in through the flow executor's JSON API, as a script or an outpost would: GET the default
 * authentication flow, then answer identification with the password inline. Answers whether the flow ended in
 * a redirect (signed in).
 */
export async function signInThroughExecutor(
  baseUrl: string,
  username: string,
  password: string,
): Promise<boolean> {
  const flow = `${baseUrl}/api/v3/flows/executor/default-authentication-flow/?query=`;
  const first = await fetch(flow);
  if (!first.ok) return false;
  const cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(flow, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ component: 'ak-stage-identification', uid_field: username, password }),
  });
  if (!res.ok) return false;
  const answer = (await res.json()) as { component?: string };
  return answer.component === 'xak-flow-redirect';
}
