/** Options several forms offer: the providers' flows (proposed until picked) and certificate-key pairs. */
import { useEffect } from 'preact/hooks';
import { SelectField } from '../../components/fields.tsx';
import type { FieldErrors } from '../../lib/api.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, Flow } from '../../lib/types.ts';

interface HasFlows {
  authorization_flow: string;
  invalidation_flow: string;
}

const preferred = (flows: Flow[], slug: string) => (flows.find((f) => f.slug === slug) ?? flows[0])?.pk ?? '';

/** [value, label] options of a flow select. */
const flowOptions = (flows: Flow[]): Array<[string, string]> =>
  flows.map((f) => [f.pk, `${f.name} (${f.slug})`]);

/**
 * What a kind of provider runs as its `authorization_flow`: web providers an `authorization` flow (implicit
 * consent proposed); LDAP and RADIUS providers run it as their bind flow, so an `authentication` one.
 */
const AUTHORIZATION_FLOWS = {
  authorization: 'default-provider-authorization-implicit-consent',
  authentication: 'default-authentication-flow',
} as const;

/**
 * Loads the authorization and invalidation flows and, until the user picks, proposes implicit consent (or,
 * for a bind flow, the default authentication flow) and the provider invalidation flow. The proposal goes
 * in as an update of the current draft, so a click that landed before the flow lists arrived is kept (a
 * whole draft from this render would undo it).
 */
export function useProposedFlows<D extends HasFlows>(
  draft: D,
  onChange: (update: (current: D) => D) => void,
  authorizationDesignation: keyof typeof AUTHORIZATION_FLOWS = 'authorization',
) {
  const authorization = useAll<Flow>(`/flows/instances/?designation=${authorizationDesignation}`);
  const invalidation = useAll<Flow>('/flows/instances/?designation=invalidation');
  const authorizationFlow =
    draft.authorization_flow || preferred(authorization, AUTHORIZATION_FLOWS[authorizationDesignation]);
  const invalidationFlow =
    draft.invalidation_flow || preferred(invalidation, 'default-provider-invalidation-flow');
  useEffect(() => {
    if ((authorizationFlow && !draft.authorization_flow) || (invalidationFlow && !draft.invalidation_flow)) {
      onChange((current) => ({
        ...current,
        authorization_flow: current.authorization_flow || authorizationFlow,
        invalidation_flow: current.invalidation_flow || invalidationFlow,
      }));
    }
  }, [authorizationFlow, invalidationFlow]);
  const lists = { authorization, invalidation };
  const values = { authorization: authorizationFlow, invalidation: invalidationFlow };
  /** The value (proposed until picked) and the options of the flow select of `designation`. */
  return (designation: keyof typeof lists) => ({
    value: values[designation],
    options: flowOptions(lists[designation]),
  });
}

type Flows = ReturnType<typeof useProposedFlows>;

/** The required select of a provider's authorization or invalidation flow. */
export function FlowSelect(props: {
  designation: 'authorization' | 'invalidation';
  flows: Flows;
  field: { name: string; errors: FieldErrors; onChange: (value: string) => void };
  hint?: string;
  /** The select's label when the kind names the flow otherwise (an LDAP provider's "Bind flow"). */
  label?: string;
}) {
  const label =
    props.label ?? (props.designation === 'authorization' ? 'Authorization flow' : 'Invalidation flow');
  return (
    <SelectField
      {...props.field}
      {...props.flows(props.designation)}
      label={label}
      required
      hint={props.hint}
    />
  );
}

/** [value, label] options of a certificate select, "None" first. */
export const keypairOptions = (keypairs: CertificateKeyPair[]): Array<[string, string]> => [
  ['', 'None'],
  ...keypairs.map((c): [string, string] => [c.pk, c.name]),
];
