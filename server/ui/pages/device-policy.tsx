/**
 * One PC's check policy: every value in force with where it comes from — set for this PC, inherited
 * from a unit, or the built-in default — and, for those allowed, the form to set or remove the PC's
 * own values. The table and the form are the unit policy page's (policy.tsx).
 */
import type { DevicePolicyLineage } from '../../services/policy-lineage.js';
import { Notice } from '../components/flash.js';
import type { FieldState } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';
import { fleetUnitHref } from './fleet.js';
import { FleetTabs } from './fleet-tabs.js';
import { PolicyForm, PolicyTable } from './policy.js';

export function devicePolicyHref(deviceId: string): string {
  return `/fleet/devices/${encodeURIComponent(deviceId)}/policy`;
}

export function DevicePolicyPage(props: {
  ctx: PageCtx;
  lineage: DevicePolicyLineage;
  canWrite: boolean;
  state: FieldState;
  message?: string;
}) {
  const { ctx, lineage: l } = props;
  const { t } = ctx;
  const action = devicePolicyHref(l.deviceId);
  return (
    <Layout ctx={ctx} title={`${t.devicePolicy.title} · ${l.hostname}`}>
      <FleetTabs ctx={ctx} current="health" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[
              { label: t.fleet.title, href: '/fleet' },
              { label: l.unit.name, href: fleetUnitHref(l.unit.code) },
              { label: l.hostname, href: `/fleet/devices/${encodeURIComponent(l.deviceId)}` },
              { label: t.devicePolicy.title },
            ]}
          />
        }
        title={t.devicePolicy.heading(l.hostname)}
        lead={t.devicePolicy.lead}
        actions={
          <a class="btn btn-secondary" href={`/admin/policy/${encodeURIComponent(l.unit.code)}`}>
            {t.devicePolicy.unitPolicy}
          </a>
        }
      />
      <PolicyTable
        ctx={ctx}
        lineage={l}
        ownLabel={t.devicePolicy.own}
        removeAction={props.canWrite ? action : undefined}
      />
      {!props.canWrite ? (
        <Notice kind="info">{t.devicePolicy.readOnly}</Notice>
      ) : (
        <PolicyForm
          ctx={ctx}
          action={action}
          title={t.devicePolicy.edit}
          hint={t.devicePolicy.editHint}
          state={props.state}
          message={props.message}
        />
      )}
    </Layout>
  );
}
