/** One flow: its settings, and the stages bound to it in order (bind, edit the order, remove). */
import { useState } from 'preact/hooks';
import { Unloaded } from '../../components/load-state.tsx';
import { ListPage, yesNo } from '../../components/list-page.tsx';
import { Link, navigate } from '../../lib/router.ts';
import { useGet } from '../../lib/use-api.ts';
import type { Flow, FlowStageBinding } from '../../lib/types.ts';
import { FlowModal } from './flow-form.tsx';
import { flowPath } from './flows.tsx';
import { StageBindingModal } from './stage-binding-form.tsx';

/** The flow with this slug: its details card and its stage bindings list. */
export function FlowPage(props: { slug: string }) {
  const flow = useGet<Flow>(`/flows/instances/${encodeURIComponent(props.slug)}/`);
  const [editing, setEditing] = useState(false);
  const f = flow.data;
  if (flow.error || !f) return <Unloaded loaded={flow} noun="flow" />;
  return (
    <>
      <section class="card">
        <div class="toolbar">
          <h2>{f.name}</h2>
          <div class="actions">
            <a class="button secondary" href={`/if/flow/${encodeURIComponent(f.slug)}/`}>
              Run this flow
            </a>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </div>
        </div>
        <dl class="details">
          <dt>Slug</dt>
          <dd>
            <code>{f.slug}</code>
          </dd>
          <dt>Title</dt>
          <dd>{f.title}</dd>
          <dt>Designation</dt>
          <dd>{f.designation}</dd>
          <dt>Authentication</dt>
          <dd>{f.authentication}</dd>
        </dl>
      </section>
      <h2>Stage bindings</h2>
      <ListPage<FlowStageBinding>
        path="/flows/bindings/"
        extra={{ target: f.pk }}
        noun="stage bindings"
        ordering="order"
        rowKey={(b) => b.pk}
        rowName={(b) => b.stage_obj.name}
        creates={[{ label: 'Bind stage' }]}
        form={({ row }, done) => <StageBindingModal flow={f} existing={row} {...done} />}
        deletePath={(b) => `/flows/bindings/${b.pk}/`}
        columns={[
          { label: 'Order', sort: 'order', render: (b) => b.order },
          { label: 'Stage', render: (b) => b.stage_obj.name },
          { label: 'Kind', render: (b) => b.stage_obj.verbose_name },
          { label: 'Evaluate on plan', render: (b) => yesNo(b.evaluate_on_plan) },
          { label: 'Re-evaluate', render: (b) => yesNo(b.re_evaluate_policies) },
        ]}
      />
      <p>
        <Link href="/flow/stages">All stages</Link> · <Link href="/flow/flows">All flows</Link>
      </p>
      {editing && (
        <FlowModal
          existing={f}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            if (saved.slug === f.slug) flow.reload();
            else navigate(flowPath(saved));
          }}
        />
      )}
    </>
  );
}
