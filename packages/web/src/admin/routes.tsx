import type { ComponentChildren } from 'preact';
import { ApplicationsPage } from './pages/applications.tsx';
import { CertificatesPage } from './pages/certificates.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { EventsPage } from './pages/events.tsx';
import { FlowPage } from './pages/flow-detail.tsx';
import { FlowsPage } from './pages/flows.tsx';
import { GroupsPage } from './pages/groups.tsx';
import { IntegrationsPage } from './pages/integrations.tsx';
import { LdapProviderPage } from './pages/ldap-provider-detail.tsx';
import { OutpostsPage } from './pages/outposts.tsx';
import { ProviderPage } from './pages/provider-detail.tsx';
import { ProvidersPage } from './pages/providers.tsx';
import { RacEndpointsPage } from './pages/rac-endpoints.tsx';
import { RacPropertyMappingsPage } from './pages/rac-property-mappings.tsx';
import { RadiusProviderPage } from './pages/radius-provider-detail.tsx';
import { RadiusPropertyMappingsPage } from './pages/radius-property-mappings.tsx';
import { StagesPage } from './pages/stages.tsx';
import { SystemTasksPage } from './pages/system-tasks.tsx';
import { TokensPage } from './pages/tokens.tsx';
import { UsersPage } from './pages/users.tsx';

/** A screen: the heading it shows and its content. */
export interface Screen {
  title: string;
  view: ComponentChildren;
}

/** Each screen by its path below /if/admin/: its heading and its content. */
const SCREENS: Record<string, [string, () => ComponentChildren]> = {
  '/': ['Dashboard', () => <DashboardPage />],
  '/core/applications': ['Applications', () => <ApplicationsPage />],
  '/core/providers': ['Providers', () => <ProvidersPage />],
  '/core/rac-endpoints': ['RAC Endpoints', () => <RacEndpointsPage />],
  '/customization/property-mappings': ['RAC Property Mappings', () => <RacPropertyMappingsPage />],
  '/customization/radius-property-mappings': [
    'RADIUS Property Mappings',
    () => <RadiusPropertyMappingsPage />,
  ],
  '/outpost/outposts': ['Outposts', () => <OutpostsPage />],
  '/outpost/integrations': ['Outpost Integrations', () => <IntegrationsPage />],
  '/crypto/certificates': ['Certificates', () => <CertificatesPage />],
  '/administration/system-tasks': ['System Tasks', () => <SystemTasksPage />],
  '/identity/users': ['Users', () => <UsersPage />],
  '/identity/groups': ['Groups', () => <GroupsPage />],
  '/core/tokens': ['Tokens', () => <TokensPage />],
  '/flow/flows': ['Flows', () => <FlowsPage />],
  '/flow/stages': ['Stages', () => <StagesPage />],
  '/events/log': ['Events', () => <EventsPage />],
};

/** The screen for a path below /if/admin/ (an unknown path says so rather than showing a blank page). */
export function screenFor(path: string): Screen {
  const provider = /^\/core\/providers\/(?:(ldap|radius)\/)?(\d+)$/.exec(path);
  if (provider?.[2]) {
    const id = Number(provider[2]);
    if (provider[1] === 'ldap') return { title: 'LDAP Provider', view: <LdapProviderPage id={id} /> };
    if (provider[1] === 'radius') return { title: 'RADIUS Provider', view: <RadiusProviderPage id={id} /> };
    return { title: 'Provider', view: <ProviderPage id={id} /> };
  }
  const flow = /^\/flow\/flows\/([^/]+)$/.exec(path);
  if (flow?.[1]) return { title: 'Flow', view: <FlowPage slug={decodeURIComponent(flow[1])} /> };
  const screen = SCREENS[path];
  if (!screen) return { title: 'Not found', view: <p>There is no screen at this address.</p> };
  return { title: screen[0], view: screen[1]() };
}
