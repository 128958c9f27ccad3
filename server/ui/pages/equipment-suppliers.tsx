/** The supplier list (shared by every unit) with the add form, and one supplier's edit form. */
import type { SupplierView } from '../../../shared/schemas/assets.js';
import { EquipmentTabs } from '../components/equipment.js';
import { EmptyState, Notice } from '../components/flash.js';
import { CsrfField, type FieldState, FormSummary, TextField } from '../components/form.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import { type Column, DataTable, type PageLinks } from '../components/table.js';
import type { PageCtx } from '../page-context.js';

export const SUPPLIER_FIELDS = ['name', 'phone', 'email', 'taxCode'] as const;

export const supplierEditHref = (id: string) => `/equipment/suppliers/${encodeURIComponent(id)}/edit`;

function SupplierFields({ ctx, state }: { ctx: PageCtx; state: FieldState }) {
  const e = ctx.t.equipment;
  return (
    <>
      <TextField
        ctx={ctx}
        state={state}
        name="name"
        label={e.sName}
        hint={e.sNameHint}
        required
        maxlength={200}
      />
      <div class="row">
        <TextField
          ctx={ctx}
          state={state}
          name="phone"
          label={e.sPhone}
          hint={e.sPhoneHint}
          maxlength={40}
          autocomplete="off"
        />
        <TextField ctx={ctx} state={state} name="email" label={e.sEmail} maxlength={254} spellcheck={false} />
      </div>
      <TextField
        ctx={ctx}
        state={state}
        name="taxCode"
        label={e.sTaxCode}
        hint={e.sTaxHint}
        inputmode="numeric"
        maxlength={14}
      />
    </>
  );
}

export function SuppliersPage(props: {
  ctx: PageCtx;
  items: SupplierView[];
  page: PageLinks;
  canWrite: boolean;
  state: FieldState;
  message?: string;
  notice?: string;
}) {
  const { ctx, state } = props;
  const e = ctx.t.equipment;
  const cols: Column<SupplierView>[] = [
    {
      header: e.sName,
      class: 'primary wrap',
      cell: (s) => (props.canWrite ? <a href={supplierEditHref(s.id)}>{s.name}</a> : s.name),
    },
    { header: e.sPhone, cell: (s) => s.phone ?? '—' },
    { header: e.sEmail, class: 'wrap', cell: (s) => s.email ?? '—' },
    { header: e.sTaxCode, cell: (s) => (s.taxCode ? <span class="mono">{s.taxCode}</span> : '—') },
  ];
  return (
    <Layout ctx={ctx} title={e.suppliersTitle}>
      <EquipmentTabs ctx={ctx} current="suppliers" />
      <PageHead title={e.suppliersTitle} lead={e.suppliersLead} />
      {props.notice && (
        <Notice kind="success">
          <p>{props.notice}</p>
        </Notice>
      )}
      {props.items.length === 0 && !props.page.cursor ? (
        <EmptyState message={props.canWrite ? e.noSuppliersWriter : e.noSuppliers} />
      ) : (
        <DataTable ctx={ctx} columns={cols} rows={props.items} id="suppliers" page={props.page} />
      )}
      {props.canWrite && (
        <section class="card" aria-labelledby="add-h" id="add">
          <h2 id="add-h">{e.addSupplier}</h2>
          <form method="post" action="/equipment/suppliers" class="stack" novalidate>
            <CsrfField ctx={ctx} />
            <FormSummary ctx={ctx} message={props.message} />
            <SupplierFields ctx={ctx} state={state} />
            <div class="form-actions">
              <button type="submit" class="btn">
                {e.addSupplier}
              </button>
            </div>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function SupplierEditPage(props: {
  ctx: PageCtx;
  supplier: SupplierView;
  state: FieldState;
  message?: string;
}) {
  const { ctx, supplier } = props;
  const e = ctx.t.equipment;
  const title = e.editSupplier(supplier.name);
  return (
    <Layout ctx={ctx} title={title}>
      <EquipmentTabs ctx={ctx} current="suppliers" />
      <PageHead
        crumbs={
          <Breadcrumbs
            ctx={ctx}
            items={[{ label: e.suppliersTitle, href: '/equipment/suppliers' }, { label: supplier.name }]}
          />
        }
        title={title}
      />
      <div class="card">
        <form method="post" action={supplierEditHref(supplier.id)} class="stack" novalidate>
          <CsrfField ctx={ctx} />
          <FormSummary ctx={ctx} message={props.message} />
          <SupplierFields ctx={ctx} state={props.state} />
          <div class="form-actions">
            <button type="submit" class="btn">
              {e.submitSave}
            </button>
            <a href="/equipment/suppliers">{ctx.t.common.cancel}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
