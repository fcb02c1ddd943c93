import { useState } from 'preact/hooks';
import type { Snippet } from '../snippets.ts';

/** Snippets as tabs, one shown at a time with a Copy button; `id` keeps two sets on one page apart. */
export function SnippetTabs(props: { snippets: Snippet[]; label: string; id?: string }) {
  const [tab, setTab] = useState(props.snippets[0]?.id ?? '');
  const prefix = props.id ? `${props.id}-` : '';
  const current = props.snippets.find((s) => s.id === tab) ?? props.snippets[0];
  return (
    <>
      <div role="tablist" aria-label={props.label} class="tabs">
        {props.snippets.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            id={`${prefix}tab-${s.id}`}
            aria-selected={s.id === current?.id}
            aria-controls={`${prefix}snippet-panel`}
            onClick={() => setTab(s.id)}
          >
            {s.title}
          </button>
        ))}
      </div>
      {current && (
        <div role="tabpanel" id={`${prefix}snippet-panel`} aria-labelledby={`${prefix}tab-${current.id}`}>
          <pre class="snippet" tabIndex={0} aria-label={`${current.title} configuration`}>
            <code>{current.text}</code>
          </pre>
          <button
            type="button"
            class="secondary"
            onClick={() => void navigator.clipboard?.writeText(current.text)}
          >
            Copy
          </button>
        </div>
      )}
    </>
  );
}
