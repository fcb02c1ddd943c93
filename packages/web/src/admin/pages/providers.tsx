import type { ComponentChildren } from 'preact';
import { type FormDone, ListPage } from '../../components/list-page.tsx';
import { Link, navigate } from '../../lib/router.ts';
import type { Provider } from '../../lib/types.ts';
import { LdapProviderModal } from './ldap-provider-form.tsx';
import { OAuth2ProviderModal } from './oauth2-provider-form.tsx';
import { ProxyProviderModal } from './provider-modal.tsx';
import { RacProviderModal } from './rac-provider-form.tsx';
import { RadiusProviderModal } from './radius-provider-form.tsx';

/** How the list treats one kind of provider. */
interface Kind {
  /** The kind's path below /providers/ (API) and its "Create …" label. */
  kind: string;
  create: string;
  /** The admin path of its own page, if it has one. */
  page?: (pk: number) => string;
  /** Its create/edit form; a kind without `edit` is edited on its own page. */
  form: (pk: number | undefined, done: FormDone) => ComponentChildren;
  edit?: boolean;
}

/** The kinds, by the `component` that /providers/all/ names them with. */
const KINDS: Record<string, Kind> = {
  'ak-provider-proxy-form': {
    kind: 'proxy',
    create: 'Create proxy provider',
    page: (pk) => `/core/providers/${pk}`,
    // A new proxy provider opens to its page: the setup snippets are the next step.
    form: (_pk, done) => (
      <ProxyProviderModal
        onClose={done.onClose}
        onSaved={(p) => {
          done.onClose();
          navigate(`/core/providers/${p.pk}`);
        }}
      />
    ),
  },
  'ak-provider-oauth2-form': {
    kind: 'oauth2',
    create: 'Create OAuth2 provider',
    form: (pk, done) => <OAuth2ProviderModal pk={pk} {...done} />,
    edit: true,
  },
  'ak-provider-ldap-form': {
    kind: 'ldap',
    create: 'Create LDAP provider',
    page: (pk) => `/core/providers/ldap/${pk}`,
    form: (pk, done) => <LdapProviderModal pk={pk} {...done} />,
    edit: true,
  },
  'ak-provider-radius-form': {
    kind: 'radius',
    create: 'Create RADIUS provider',
    page: (pk) => `/core/providers/radius/${pk}`,
    form: (pk, done) => <RadiusProviderModal pk={pk} {...done} />,
    edit: true,
  },
  'ak-provider-rac-form': {
    kind: 'rac',
    create: 'Create RAC provider',
    form: (pk, done) => <RacProviderModal pk={pk} {...done} />,
    edit: true,
  },
};

const kindOf = (p: Provider): Kind | undefined => KINDS[p.component];
const byKind = (kind: string | undefined) => Object.values(KINDS).find((k) => k.kind === kind);

/**
 * Every provider, of any kind. Proxy, LDAP and RADIUS providers open to their own page (settings and how
 * to connect); every kind but proxy is also edited from the list.
 */
export function ProvidersPage() {
  return (
    <ListPage<Provider>
      path="/providers/all/"
      noun="providers"
      ordering="name"
      rowKey={(p) => p.pk}
      rowName={(p) => p.name}
      creates={Object.values(KINDS).map((k) => ({ label: k.create, kind: k.kind }))}
      editable={(p) => Boolean(kindOf(p)?.edit)}
      deletePath={(p) => {
        const k = kindOf(p);
        return k && `/providers/${k.kind}/${p.pk}/`;
      }}
      form={({ row, kind }, done) => (row ? kindOf(row) : byKind(kind))?.form(row?.pk, done)}
      columns={[
        {
          label: 'Name',
          sort: 'name',
          render: (p) => {
            const page = kindOf(p)?.page;
            return page ? <Link href={page(p.pk)}>{p.name}</Link> : p.name;
          },
        },
        { label: 'Type', render: (p) => p.verbose_name },
        {
          label: 'Application',
          render: (p) =>
            p.assigned_application_name ?? <span class="warning">Not assigned to an application</span>,
        },
      ]}
    />
  );
}
