/** The error page: what went wrong in the reader's language and where to go from here. */
import { Layout } from '../components/layout.js';
import type { PageCtx } from '../page-context.js';

export function ErrorPage(props: { ctx: PageCtx; title: string; message: string }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <ul class="actions">
          <li>
            <a class="btn" href="/">
              {ctx.t.errors.goHome}
            </a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}
