/** The tabs of the fleet pages (health, maintenance windows), shared by them without importing each other. */
import { Tabs } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';

export function FleetTabs({ ctx, current }: { ctx: PageCtx; current: 'health' | 'windows' }) {
  return (
    <Tabs
      label={ctx.t.fleet.title}
      current={current}
      tabs={[
        { id: 'health', href: '/fleet', label: ctx.t.fleet.tabHealth },
        { id: 'windows', href: '/fleet/windows', label: ctx.t.fleet.tabWindows },
      ]}
    />
  );
}
