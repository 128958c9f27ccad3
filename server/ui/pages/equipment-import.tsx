/**
 * Importing the register from a CSV/XLSX file: the file goes to the API (POST
 * /api/v1/assets/import?dryRun=1, then dryRun=0) from the equipment script with an upload progress
 * bar; the dry run's errors come back as a table (row, column, error) or "N valid rows", and only then
 * may the file be written. The words the script shows are on `#import` as templates.
 */
import { EQUIPMENT_ASSET_URLS } from '../assets/equipment.js';
import { EquipmentTabs } from '../components/equipment.js';
import { Notice } from '../components/flash.js';
import { Breadcrumbs, Layout, PageHead } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';

export function ImportPage({ ctx }: { ctx: PageCtx }) {
  const e = ctx.t.equipment;
  return (
    <Layout ctx={ctx} title={e.importTitle}>
      <EquipmentTabs ctx={ctx} current="register" />
      <PageHead
        crumbs={
          <Breadcrumbs ctx={ctx} items={[{ label: e.title, href: '/equipment' }, { label: e.importTitle }]} />
        }
        title={e.importTitle}
        lead={e.importLead}
      />
      <section class="card" aria-labelledby="tpl-h">
        <h2 id="tpl-h">{e.templates}</h2>
        <ul class="actions">
          <li>
            <a class="btn btn-secondary" href="/api/v1/assets/import-template?format=xlsx" download>
              {e.templateXlsx}
            </a>
          </li>
          <li>
            <a class="btn btn-secondary" href="/api/v1/assets/import-template?format=csv" download>
              {e.templateCsv}
            </a>
          </li>
        </ul>
      </section>
      <section
        class="card"
        id="import"
        aria-labelledby="file-h"
        data-url="/api/v1/assets/import"
        data-csrf={ctx.csrf}
        data-lang={ctx.lang}
        data-msg-uploading={e.uploading}
        data-msg-processing={e.processing}
        data-msg-valid={e.valid('{n}')}
        data-msg-valid-next={e.validNext}
        data-msg-errors={e.hasErrors('{n}')}
        data-msg-committed={e.committed('{n}')}
        data-msg-no-file={e.noFile}
        data-msg-failed={e.uploadFailed}
        data-msg-col-line={e.colLine}
        data-msg-col-column={e.colColumn}
        data-msg-col-error={e.colError}
      >
        <h2 id="file-h">{e.uploadTitle}</h2>
        <noscript>
          <Notice kind="warn">
            <p>{e.needsScript}</p>
          </Notice>
        </noscript>
        <form id="import-form" class="stack" hidden>
          <div class="field">
            <label for="import-file">{e.file}</label>
            <span class="hint" id="import-file-hint">
              {e.fileHint}
            </span>
            <input
              type="file"
              id="import-file"
              name="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby="import-file-hint"
              required
            />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn" id="import-check">
              {e.check}
            </button>
          </div>
        </form>
        <div class="import-progress" id="import-progress" hidden>
          <progress max={100} value={0} aria-labelledby="import-progress-text"></progress>
          <span id="import-progress-text" class="small muted">
            {e.progress}
          </span>
        </div>
        <div id="import-result" class="import-result" role="status" aria-live="polite" hidden></div>
        <div id="import-errors" class="table-wrap" hidden>
          <table class="data stack">
            <thead>
              <tr>
                <th scope="col">{e.colLine}</th>
                <th scope="col">{e.colColumn}</th>
                <th scope="col">{e.colError}</th>
              </tr>
            </thead>
            <tbody></tbody>
          </table>
        </div>
        <div id="import-commit-box" class="form-actions" hidden>
          <button type="button" class="btn" id="import-commit">
            {e.commit}
          </button>
        </div>
        <p id="import-done" hidden>
          <a class="btn btn-secondary" href="/equipment">
            {e.viewRegister}
          </a>
        </p>
      </section>
      <script src={EQUIPMENT_ASSET_URLS.js} defer></script>
    </Layout>
  );
}
