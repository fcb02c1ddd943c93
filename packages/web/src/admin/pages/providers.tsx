import { ListPage } from '../../components/list-page.tsx';
import { Link, navigate } from '../../lib/router.ts';
import type { Provider } from '../../lib/types.ts';
import { OAuth2ProviderModal } from './oauth2-provider-form.tsx';
import { ProxyProviderModal } from './provider-modal.tsx';
import { RacProviderModal } from './rac-provider-form.tsx';

const isProxy = (p: Provider) => p.component === 'ak-provider-proxy-form';
const isOAuth2 = (p: Provider) => p.component === 'ak-provider-oauth2-form';
const isRac = (p: Provider) => p.component === 'ak-provider-rac-form';

/**
 * Every provider, of any kind. A proxy provider opens to its details and setup snippets (edited there); an
 * OAuth2 provider is edited from the list.
 */
export function ProvidersPage() {
  return (
    <ListPage<Provider>
      path="/providers/all/"
      noun="providers"
      ordering="name"
      rowKey={(p) => p.pk}
      rowName={(p) => p.name}
      creates={[
        { label: 'Create proxy provider', kind: 'proxy' },
        { label: 'Create OAuth2 provider', kind: 'oauth2' },
        { label: 'Create RAC provider', kind: 'rac' },
      ]}
      editable={(p) => isOAuth2(p) || isRac(p)}
      deletePath={(p) =>
        isProxy(p)
          ? `/providers/proxy/${p.pk}/`
          : isOAuth2(p)
            ? `/providers/oauth2/${p.pk}/`
            : isRac(p)
              ? `/providers/rac/${p.pk}/`
              : undefined
      }
      form={({ row, kind }, done) =>
        (row && isRac(row)) || kind === 'rac' ? (
          <RacProviderModal pk={row?.pk} {...done} />
        ) : row || kind === 'oauth2' ? (
          <OAuth2ProviderModal pk={row?.pk} {...done} />
        ) : (
          <ProxyProviderModal
            onClose={done.onClose}
            onSaved={(p) => {
              done.onClose();
              navigate(`/core/providers/${p.pk}`);
            }}
          />
        )
      }
      columns={[
        {
          label: 'Name',
          sort: 'name',
          render: (p) => (isProxy(p) ? <Link href={`/core/providers/${p.pk}`}>{p.name}</Link> : p.name),
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
