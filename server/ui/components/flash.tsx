/** Flash messages and empty states: short, saying what happened or what to do next. */
import type { Child } from 'hono/jsx';
import type { Flash } from '../flash.js';

export function FlashMessage({ flash }: { flash: Flash }) {
  return (
    <div class={`flash flash-${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
      <p>{flash.text}</p>
    </div>
  );
}

export function Notice(props: { kind: 'success' | 'info' | 'error' | 'warn'; children?: Child }) {
  return (
    <div class={`flash flash-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** What an empty list shows: why it is empty and the next step (a link or button as `action`). */
export function EmptyState(props: { message: string; action?: Child }) {
  return (
    <div class="empty">
      <p>{props.message}</p>
      {props.action}
    </div>
  );
}
