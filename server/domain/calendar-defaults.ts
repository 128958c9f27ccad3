/**
 * The default working calendar installed for a new root unit: Vietnamese state-agency hours and
 * public holidays (Labour Code 2019, Art. 112), with the official 2026 dates and computed proposals
 * for the following years. Source notes travel with the data so an administrator knows what to
 * confirm. The sources (Labour Code 2019 Art. 112, the 2026 decisions) are quoted beside each date below.
 */
import {
  type Bilingual,
  type CalendarBody,
  type CalendarHoliday,
  type CalendarWorkingDay,
  dayNumberOf,
  isoOfDayNumber,
} from './calendar.js';
import { lunarToIso } from './lunar.js';

const SRC_2026_TET_QK =
  'PM approval via VPCP letter, Oct 2025 (thanhnien.vn 2025-10-13 "Tết Bính Ngọ nghỉ 9 ngày liên tục"; kienthuc.net.vn)';
const SRC_2026_NEWYEAR = 'VPCP letter 12729/VPCP-KGVX of 25/12/2025';
const SRC_2026_GIOTO = 'thanhnien.vn 2026-02-23 (Giỗ Tổ 26/4 is a Sunday → nghỉ bù Monday 27/4)';
const LAW = 'Labour Code 2019 (45/2019/QH14), Art. 112(1)';
const COMPUTED_LUNAR =
  'computed: Hồ Ngọc Đức lunar algorithm at UTC+7; the Prime Minister fixes the dates each year — confirm against the official notice';
const COMPUTED_COMP =
  'computed: a holiday on a weekly rest day moves to the next working day (Labour Code 2019 Art. 111(3), article text not retrieved) — confirm';

const N = {
  newYear: { vi: 'Tết Dương lịch', en: "New Year's Day" },
  tet: { vi: 'Tết Nguyên đán', en: 'Lunar New Year (Tết)' },
  hung: {
    vi: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
    en: 'Hùng Kings Commemoration (10th day, 3rd lunar month)',
  },
  victory: { vi: 'Ngày Chiến thắng 30/4', en: 'Reunification Day (30 April)' },
  labour: { vi: 'Ngày Quốc tế Lao động 1/5', en: 'International Labour Day (1 May)' },
  national: { vi: 'Quốc khánh 2/9', en: 'National Day (2 September)' },
  nationalAdj: { vi: 'Quốc khánh (ngày liền kề)', en: 'National Day (adjacent day)' },
  swap: { vi: 'Làm bù', en: 'Swapped working day' },
} satisfies Record<string, Bilingual>;

function comp(name: Bilingual): Bilingual {
  return { vi: `Nghỉ bù ${name.vi}`, en: `In lieu of ${name.en}` };
}

/** Official 2026 dates for civil servants (vn-holidays.md §3). */
function official2026(): { holidays: CalendarHoliday[]; workingDays: CalendarWorkingDay[] } {
  const h = (date: string, name: Bilingual, source: string): CalendarHoliday => ({
    date,
    name,
    status: 'official',
    source,
  });
  return {
    holidays: [
      h('2026-01-01', N.newYear, SRC_2026_NEWYEAR),
      h('2026-01-02', N.newYear, `${SRC_2026_NEWYEAR}; swapped with Saturday 10/1`),
      ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((d) =>
        h(d, N.tet, `${SRC_2026_TET_QK}; break Sat 14/2 – Sun 22/2`),
      ),
      h('2026-04-26', N.hung, SRC_2026_GIOTO),
      h('2026-04-27', comp(N.hung), SRC_2026_GIOTO),
      h('2026-04-30', N.victory, `${LAW}; thanhnien.vn 2026-02-23`),
      h('2026-05-01', N.labour, `${LAW}; thanhnien.vn 2026-02-23`),
      h('2026-08-31', N.nationalAdj, `${SRC_2026_TET_QK}; swapped with Saturday 22/8`),
      h('2026-09-01', N.nationalAdj, SRC_2026_TET_QK),
      h('2026-09-02', N.national, SRC_2026_TET_QK),
    ],
    workingDays: [
      { date: '2026-01-10', name: N.swap, status: 'official', source: SRC_2026_NEWYEAR },
      { date: '2026-08-22', name: N.swap, status: 'official', source: SRC_2026_TET_QK },
    ],
  };
}

const isWeekend = (day: number) => {
  const wd = (((day + 4) % 7) + 7) % 7;
  return wd === 0 || wd === 6;
};

/**
 * Proposed holidays of a year without an official notice: statutory dates, the lunar ones computed,
 * and a compensatory day for each statutory day falling on a weekend.
 */
export function computedHolidays(year: number): CalendarHoliday[] {
  const statutory: { date: string; name: Bilingual; source: string }[] = [];
  const iso = (m: number, d: number) => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  statutory.push({ date: iso(1, 1), name: N.newYear, source: LAW });
  const tet = lunarToIso(1, 1, year);
  if (tet) {
    // The usual split: the last day of the old year and the first four of the new (vinanet's gloss).
    const d0 = dayNumberOf(tet);
    for (let i = -1; i <= 3; i++)
      statutory.push({ date: isoOfDayNumber(d0 + i), name: N.tet, source: COMPUTED_LUNAR });
  }
  const hung = lunarToIso(10, 3, year);
  if (hung) statutory.push({ date: hung, name: N.hung, source: COMPUTED_LUNAR });
  statutory.push({ date: iso(4, 30), name: N.victory, source: LAW });
  statutory.push({ date: iso(5, 1), name: N.labour, source: LAW });
  statutory.push({ date: iso(9, 1), name: N.nationalAdj, source: `${LAW}; 1/9 or 3/9 is decided yearly` });
  statutory.push({ date: iso(9, 2), name: N.national, source: LAW });

  const taken = new Set(statutory.map((s) => s.date));
  const out: CalendarHoliday[] = statutory.map((s) => ({
    date: s.date,
    name: s.name,
    status: s.source === LAW ? 'law' : 'computed',
    source: s.source,
  }));
  for (const s of [...statutory].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!isWeekend(dayNumberOf(s.date))) continue;
    let d = dayNumberOf(s.date) + 1;
    while (isWeekend(d) || taken.has(isoOfDayNumber(d))) d++;
    taken.add(isoOfDayNumber(d));
    out.push({ date: isoOfDayNumber(d), name: comp(s.name), status: 'computed', source: COMPUTED_COMP });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/** The default calendar for Vietnamese state agencies (Hanoi hours), 2026 official + computed years. */
export function defaultCalendar(opts: { computeYears?: number[] } = {}): CalendarBody {
  const o = official2026();
  const years = opts.computeYears ?? [2027, 2028, 2029, 2030, 2031];
  return {
    name: 'Lịch làm việc cơ quan nhà nước (Hà Nội) / State agency working calendar (Hanoi)',
    timezone: 'Asia/Ho_Chi_Minh',
    utcOffsetMinutes: 420,
    workingHours: [{ from: '08:00', to: '17:00' }],
    breaks: [],
    weekend: [0, 6],
    weeklyOpenings: [],
    holidays: [...o.holidays, ...years.flatMap(computedHolidays)],
    workingDays: o.workingDays,
    notes: [
      'Hours: Decision 188/1999/QĐ-TTg (40-hour, 5-day week, Saturday and Sunday off); Hanoi Decision 315/QĐ-UBND (2012) keeps agencies at 8:00–17:00.',
      'No source was found for the lunch break: add it under "breaks" (e.g. 12:00–13:00) once your province’s decision says so.',
      'Saturday service at one-stop desks is local, not national: add it under "weeklyOpenings" (e.g. weekday 6, 08:00–12:00) where your People’s Committee decided it.',
      '2026 holidays are the official dates; later years are computed proposals (status "computed"/"law") to confirm against each year’s notice.',
    ],
  };
}
