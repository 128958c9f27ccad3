/** The dictionaries: same shape (also a compile-time rule), no empty strings, Vietnamese really Vietnamese. */
import { describe, expect, it } from 'vitest';
import { en } from '../../server/ui/i18n/en.js';
import { vi } from '../../server/ui/i18n/vi.js';

type Leaf = [path: string, value: unknown];

function leaves(o: object, prefix = ''): Leaf[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as Leaf],
  );
}

/** A leaf as text: functions are called with sample arguments. */
function sample(v: unknown): string {
  return typeof v === 'function' ? String(v(3, 'X', 'Y')) : String(v);
}

describe('dictionaries', () => {
  const viLeaves = leaves(vi);
  const enLeaves = leaves(en);

  it('have the same keys', () => {
    expect(enLeaves.map(([p]) => p).sort()).toEqual(viLeaves.map(([p]) => p).sort());
  });

  it('have no empty text', () => {
    for (const [p, v] of [...viLeaves, ...enLeaves]) expect(sample(v).trim(), p).not.toBe('');
  });

  it('are Vietnamese in vi (diacritics present) and translated in en', () => {
    const viText = viLeaves.map(([, v]) => sample(v)).join(' ');
    expect(viText).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    // Everything is in NFC, as the reference data is, so search and comparison behave.
    expect(viText.normalize('NFC')).toBe(viText);
    const same = viLeaves.filter(([p, v]) => {
      const e = enLeaves.find(([q]) => q === p)?.[1];
      return sample(v) === sample(e) && /[a-z]{4}/i.test(sample(v));
    });
    // Only names that are the same in both languages (the product name, "Camera").
    expect(same.map(([p]) => p).sort()).toEqual(['app.name', 'peripheralKind.camera']);
  });
});
