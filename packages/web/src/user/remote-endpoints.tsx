/** The remote desktops and terminals (RAC endpoints) this user may open, each launched through its provider. */
import type { Page } from '../lib/api.ts';
import type { RacEndpoint } from '../lib/types.ts';
import { type Loaded, useGet } from '../lib/use-api.ts';

const PROTOCOL_NAMES: Record<RacEndpoint['protocol'], string> = {
  vnc: 'Remote desktop (VNC)',
  ssh: 'Terminal (SSH)',
  rdp: 'Remote desktop (RDP)',
};

/** The endpoints the core lets this user open (the API filters them by the user's bindings). */
export function useRemoteEndpoints(): Loaded<Page<RacEndpoint>> {
  return useGet<Page<RacEndpoint>>('/rac/endpoints/?page_size=100&ordering=name');
}

/** A launcher section of the endpoints, shown when there is at least one. */
export function RemoteEndpoints({ endpoints }: { endpoints: Loaded<Page<RacEndpoint>> }) {
  const results = endpoints.data?.results.filter((e) => e.launch_url) ?? [];
  if (endpoints.error)
    return (
      <p class="form-error" role="alert">
        Could not load your remote endpoints: {endpoints.error.message}
      </p>
    );
  if (results.length === 0) return null;
  return (
    <section aria-labelledby="remote-heading">
      <h2 id="remote-heading">Remote desktops and terminals</h2>
      <ul class="launcher" id="rac-endpoints">
        {results.map((e) => (
          <li key={e.pk}>
            <a
              class="app-card"
              href={e.launch_url ?? undefined}
              target="_blank"
              rel="noopener"
              data-endpoint={e.pk}
            >
              <span class="app-icon" aria-hidden="true">
                {e.protocol.toUpperCase()}
              </span>
              <span class="app-name">{e.name}</span>
              <span class="hint">{PROTOCOL_NAMES[e.protocol]}</span>
              <span class="app-description">{e.provider_obj.assigned_application_name}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
