/** Home: who I am and where, the dashboard panels I may see, and the tasks I do most. */
import type { Child } from 'hono/jsx';
import { Layout, PageHead } from '../components/layout.js';
import { formatDateTime } from '../format.js';
import type { PageCtx } from '../page-context.js';

export function HomePage(props: {
  ctx: PageCtx;
  panels: { id: string; body: Child }[];
  can: {
    createUnit: boolean;
    createUser: boolean;
    createToken: boolean;
    createTicket: boolean;
    delegate: boolean;
  };
}) {
  const { ctx, can } = props;
  const { t } = ctx;
  const user = ctx.user!;
  const actions = [
    can.createTicket && { href: '/tickets/new', label: t.queue.create },
    can.delegate && { href: '/deputies', label: t.home.actionDelegate },
    can.createUnit && { href: '/admin/units/new', label: t.home.actionCreateUnit },
    can.createUser && { href: '/admin/users/new', label: t.home.actionCreateUser },
    can.createToken && { href: '/admin/enrollment', label: t.home.actionCreateToken },
  ].filter((a): a is { href: string; label: string } => !!a);
  return (
    <Layout ctx={ctx} title={t.home.title}>
      <PageHead title={t.home.greeting(user.displayName)} lead={t.app.tagline} />
      {props.panels.length > 0 && (
        <div class="grid">
          {props.panels.map((p) => (
            <div data-panel={p.id}>{p.body}</div>
          ))}
        </div>
      )}
      <div class="grid">
        <section class="card" aria-labelledby="roles-h">
          <h2 id="roles-h">{t.home.yourRoles}</h2>
          {user.roles.length === 0 ? (
            <p>{t.home.noRoles}</p>
          ) : (
            <ul class="plain">
              {user.roles.map((r) => (
                <li>
                  <strong>{t.roles[r.role]}</strong>
                  {' · '}
                  <span>{r.unitName}</span> <span class="muted mono">({r.unitCode})</span>
                  {r.deputyUntil && (
                    <span class="muted">{` — ${t.home.deputyUntil(formatDateTime(r.deputyUntil, ctx.lang))}`}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        {actions.length > 0 && (
          <section class="card" aria-labelledby="actions-h">
            <h2 id="actions-h">{t.home.quickActions}</h2>
            <ul class="actions">
              {actions.map((a) => (
                <li>
                  <a class="btn btn-secondary" href={a.href}>
                    {a.label}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </Layout>
  );
}
