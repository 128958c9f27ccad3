/**
 * Form building blocks: every form carries the CSRF field; every field shows its hint and, after a
 * failed post, its error right next to it (linked with aria-describedby so screen readers read both).
 */
import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../csrf.js';
import type { PageCtx } from '../page-context.js';

export function CsrfField({ ctx }: { ctx: PageCtx }) {
  return <input type="hidden" name={CSRF_FIELD} value={ctx.csrf} />;
}

export interface FieldState {
  /** Values as the person typed them (re-shown after an error). */
  values: Record<string, string | undefined>;
  /** Field name → error message. */
  errors: Record<string, string>;
}

export const emptyFieldState = (values: Record<string, string | undefined> = {}): FieldState => ({
  values,
  errors: {},
});

interface FieldProps {
  ctx: PageCtx;
  state: FieldState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  /** Hide the "(optional)" mark (for grids of rows where any row may be left empty). */
  noOptionalMark?: boolean;
}

const fid = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function describedBy(name: string, hint: boolean, error: boolean) {
  const ids = [hint ? `${fid(name)}-hint` : '', error ? `${fid(name)}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function FieldFrame(props: FieldProps & { children: Child }) {
  const { ctx, state, name, label, hint, required } = props;
  const error = state.errors[name];
  return (
    <div class="field">
      <label for={fid(name)}>
        {label}
        {!required && !props.noOptionalMark && <span class="opt"> ({ctx.t.common.optional})</span>}
      </label>
      {hint && (
        <span class="hint" id={`${fid(name)}-hint`}>
          {hint}
        </span>
      )}
      {props.children}
      {error && (
        <span class="error" id={`${fid(name)}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

export function TextField(
  props: FieldProps & {
    type?: 'text' | 'password' | 'number' | 'search' | 'date';
    autocomplete?: string;
    inputmode?: 'numeric' | 'decimal' | 'text';
    maxlength?: number;
    list?: string;
    placeholder?: string;
    autofocus?: boolean;
    spellcheck?: boolean;
  },
) {
  const { state, name, hint } = props;
  const error = state.errors[name];
  return (
    <FieldFrame {...props}>
      <input
        type={props.type ?? 'text'}
        id={fid(name)}
        name={name}
        value={props.type === 'password' ? undefined : (state.values[name] ?? '')}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        list={props.list}
        placeholder={props.placeholder}
        autofocus={props.autofocus || !!error}
        spellcheck={props.spellcheck === false ? false : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, !!hint, !!error)}
      />
    </FieldFrame>
  );
}

/** A multi-line field (JSON lists and the like), with the same label, hint and error wiring. */
export function TextAreaField(props: FieldProps & { rows?: number; code?: boolean; maxlength?: number }) {
  const { state, name, hint } = props;
  const error = state.errors[name];
  return (
    <FieldFrame {...props}>
      <textarea
        id={fid(name)}
        name={name}
        class={props.code ? 'code' : undefined}
        rows={props.rows ?? 6}
        maxlength={props.maxlength}
        spellcheck={props.code ? false : undefined}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, !!hint, !!error)}
      >
        {state.values[name] ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(props: FieldProps & { options: { value: string; label: string }[] }) {
  const { state, name, hint } = props;
  const error = state.errors[name];
  const current = state.values[name] ?? '';
  return (
    <FieldFrame {...props}>
      <select
        id={fid(name)}
        name={name}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, !!hint, !!error)}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === current}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The summary at the top of a failed form: the service's own explanation, then "fix the marked fields". */
export function FormSummary({ ctx, message }: { ctx: PageCtx; message?: string }) {
  if (!message) return null;
  return (
    <div class="form-summary" role="alert">
      <p>
        <strong>{message}</strong>
      </p>
      {message !== ctx.t.common.formHasErrors && <p>{ctx.t.common.formHasErrors}</p>}
    </div>
  );
}

/** Units offered while typing a unit code (progressive: without a datalist the field is plain text). */
export function UnitDatalist({ id, units }: { id: string; units: { code: string; name: string }[] }) {
  return (
    <datalist id={id}>
      {units.map((u) => (
        <option value={u.code}>{u.name}</option>
      ))}
    </datalist>
  );
}

/**
 * A unit-code field with the units the person may pick as suggestions (a native datalist: typing
 * "phuong" or a code narrows it; no script). Codes are at most 32 characters and never spell-checked.
 */
export function UnitCodeField(
  props: FieldProps & { units: { code: string; name: string }[]; autofocus?: boolean },
) {
  const { units, ...field } = props;
  const listId = `${fid(props.name)}-units`;
  return (
    <>
      <TextField {...field} list={listId} maxlength={32} spellcheck={false} />
      <UnitDatalist id={listId} units={units} />
    </>
  );
}
