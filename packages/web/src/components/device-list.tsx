import { useState } from 'preact/hooks';
import { dateTime } from './list-page.tsx';
import { ConfirmDelete } from './confirm-delete.tsx';
import { deviceKind, deviceKindLabel } from '../lib/devices.ts';
import { useGet } from '../lib/use-api.ts';
import type { Device } from '../lib/types.ts';

/**
 * A table of second-factor devices from one of the API's "all" lists (the user's own, or an admin's view of
 * one user's), each with a Delete button that asks first; `deleteBase` is the API prefix of the deletes
 * (`/authenticators` or `/authenticators/admin`).
 */
export function DeviceList(props: { path: string; deleteBase: string; noun: string }) {
  const list = useGet<Device[]>(props.path);
  const [deleting, setDeleting] = useState<Device>();
  const kindOf = (d: Device) => deviceKind(d);
  return (
    <>
      {list.error && (
        <p class="form-error" role="alert">
          Could not load the {props.noun}: {list.error.message}
        </p>
      )}
      <div class="table-wrap">
        <table aria-busy={list.loading} aria-label={props.noun}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.map((d) => (
              <tr key={`${d.meta_model_name}:${d.pk}`}>
                <td data-label="Name">{d.name}</td>
                <td data-label="Kind">{deviceKindLabel(kindOf(d))}</td>
                <td data-label="Added">{dateTime(d.created)}</td>
                <td data-label="Last used">{dateTime(d.last_used)}</td>
                <td data-label="Actions">
                  {kindOf(d) && (
                    <button
                      type="button"
                      class="secondary danger"
                      aria-label={`Delete ${d.name}`}
                      onClick={() => setDeleting(d)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {list.data && list.data.length === 0 && (
              <tr>
                <td colSpan={5} class="empty">
                  No {props.noun} yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {deleting && (
        <ConfirmDelete
          name={deleting.name}
          path={`${props.deleteBase}/${kindOf(deleting)}/${deleting.pk}/`}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setDeleting(undefined);
            list.reload();
          }}
        />
      )}
    </>
  );
}
