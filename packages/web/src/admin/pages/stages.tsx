import { Fragment } from 'preact';
import { ListPage } from '../../components/list-page.tsx';
import { Link } from '../../lib/router.ts';
import type { Stage } from '../../lib/types.ts';
import { stageKindForm } from '../stage-kinds.ts';
import { flowPath } from './flows.tsx';
import { StageModal } from './stage-form.tsx';

/** Stages of every kind (`/stages/all/`): the flows each is bound to, creating, editing, deleting. */
export function StagesPage() {
  return (
    <ListPage<Stage>
      path="/stages/all/"
      noun="stages"
      ordering="name"
      rowKey={(s) => s.pk}
      rowName={(s) => s.name}
      creates={[{ label: 'Create stage' }]}
      form={({ row }, done) => <StageModal existing={row} {...done} />}
      // A kind the console has no form for (a newer core's) is listed, not edited.
      editable={(s) => stageKindForm(s.component) !== undefined}
      deletePath={(s) => `/stages/all/${s.pk}/`}
      columns={[
        { label: 'Name', sort: 'name', render: (s) => s.name },
        { label: 'Kind', render: (s) => s.verbose_name },
        {
          label: 'Flows',
          render: (s) =>
            s.flow_set.length === 0 ? (
              <span class="warning">Not bound to a flow</span>
            ) : (
              s.flow_set.map((f, i) => (
                <Fragment key={f.pk}>
                  {i > 0 && ', '}
                  <Link href={flowPath(f)}>{f.slug}</Link>
                </Fragment>
              ))
            ),
        },
      ]}
    />
  );
}
