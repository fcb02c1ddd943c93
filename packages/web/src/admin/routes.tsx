import type { ComponentChildren } from 'preact';
import { ApplicationsPage } from './pages/applications.tsx';
import { CertificatesPage } from './pages/certificates.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { FlowsPage, GroupsPage, TokensPage, UsersPage } from './pages/directory.tsx';
import { OutpostsPage } from './pages/outposts.tsx';
import { ProviderPage } from './pages/provider-detail.tsx';
import { ProvidersPage } from './pages/providers.tsx';
import { NotAvailable } from './pages/not-available.tsx';

/** A screen: the heading it shows and its content. */
export interface Screen {
  title: string;
  view: ComponentChildren;
}

/** The screen for a path below /if/admin/ (an unknown path says so rather than showing a blank page). */
export function screenFor(path: string): Screen {
  const provider = /^\/core\/providers\/(\d+)$/.exec(path);
  if (provider?.[1]) return { title: 'Provider', view: <ProviderPage id={Number(provider[1])} /> };
  switch (path) {
    case '/':
      return { title: 'Dashboard', view: <DashboardPage /> };
    case '/core/applications':
      return { title: 'Applications', view: <ApplicationsPage /> };
    case '/core/providers':
      return { title: 'Providers', view: <ProvidersPage /> };
    case '/outpost/outposts':
      return { title: 'Outposts', view: <OutpostsPage /> };
    case '/outpost/integrations':
      return {
        title: 'Outpost Integrations',
        view: (
          <NotAvailable what="Outpost integrations (Docker and Kubernetes service connections)">
            Outposts are deployed by hand for now: open <strong>Applications → Outposts</strong> and use{' '}
            <em>View deployment info</em> for a Compose file or Kubernetes manifest.
          </NotAvailable>
        ),
      };
    case '/crypto/certificates':
      return { title: 'Certificates', view: <CertificatesPage /> };
    case '/administration/system-tasks':
      return {
        title: 'System Tasks',
        view: (
          <NotAvailable what="System tasks">
            They arrive with the outpost integrations, whose deployments they report.
          </NotAvailable>
        ),
      };
    case '/identity/users':
      return { title: 'Users', view: <UsersPage /> };
    case '/identity/groups':
      return { title: 'Groups', view: <GroupsPage /> };
    case '/core/tokens':
      return { title: 'Tokens', view: <TokensPage /> };
    case '/flow/flows':
      return { title: 'Flows', view: <FlowsPage /> };
    case '/events/log':
      return {
        title: 'Events',
        view: (
          <NotAvailable what="The event log">
            Events are recorded, but the API has no way to list them yet.
          </NotAvailable>
        ),
      };
    default:
      return { title: 'Not found', view: <p>There is no screen at this address.</p> };
  }
}
