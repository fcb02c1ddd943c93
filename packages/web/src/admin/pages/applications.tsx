import { ListPage } from '../../components/list-page.tsx';
import { Link } from '../../lib/router.ts';
import type { Application } from '../../lib/types.ts';
import { ApplicationModal } from './application-wizard.tsx';

/**
 * Every application (not only the admin's own), with its provider as the API presents it with each row
 * (provider_obj), so a provider the wizard has just created shows at once.
 */
export function ApplicationsPage() {
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
            const p = a.provider_obj;
            if (!p) return <span class="warning">No provider</span>;
            return p.component === 'ak-provider-proxy-form' ? (
              <Link href={`/core/providers/${p.pk}`}>{p.name}</Link>
            ) : (
              p.name
            );
          },
        },
        { label: 'Type', render: (a) => a.provider_obj?.verbose_name ?? '—' },
      ]}
    />
  );
}
