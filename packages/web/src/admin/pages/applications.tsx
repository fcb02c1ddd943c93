import { ListPage } from '../../components/list-page.tsx';
import { Link } from '../../lib/router.ts';
import { useAll } from '../../lib/use-api.ts';
import type { Application, Provider } from '../../lib/types.ts';
import { ApplicationModal } from './application-wizard.tsx';

/** Every application (not only the admin's own), with its provider. */
export function ApplicationsPage() {
  const providers = useAll<Provider>('/providers/all/');
  const providerOf = (a: Application) => providers.find((p) => p.pk === a.provider);
  return (
    <ListPage<Application>
      path="/core/applications/"
      noun="applications"
      ordering="name"
      extra={{ superuser_full_list: true }}
      rowKey={(a) => a.pk}
      rowName={(a) => a.name}
      form={({ row }, done) => <ApplicationModal existing={row} {...done} />}
      deletePath={(a) => `/core/applications/${a.slug}/`}
      columns={[
        { label: 'Name', sort: 'name', render: (a) => <strong>{a.name}</strong> },
        { label: 'Slug', sort: 'slug', render: (a) => <code>{a.slug}</code> },
        {
          label: 'Provider',
          render: (a) => {
            const p = providerOf(a);
            if (!p) return <span class="warning">No provider</span>;
            return p.component === 'ak-provider-proxy-form' ? (
              <Link href={`/core/providers/${p.pk}`}>{p.name}</Link>
            ) : (
              p.name
            );
          },
        },
        { label: 'Type', render: (a) => providerOf(a)?.verbose_name ?? '—' },
      ]}
    />
  );
}
