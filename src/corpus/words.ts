import type { Rng } from './rng.js';

/** Invented words and lines for titles, credits and synthetic dialogue (no third-party text). */

const TITLE_A = [
  'Northern',
  'Silent',
  'Crimson',
  'Hidden',
  'Last',
  'Broken',
  'Golden',
  'Distant',
  'Hollow',
  'Electric',
  'Paper',
  'Midnight',
  'Iron',
  'Quiet',
  'Wild',
];
const TITLE_B = [
  'Harbor',
  'Signal',
  'Orchard',
  'Frontier',
  'Circuit',
  'Lantern',
  'Valley',
  'Station',
  'Garden',
  'Empire',
  'Tide',
  'Archive',
  'Bridge',
  'Meadow',
  'Engine',
];
const FIRST = [
  'Ada',
  'Boris',
  'Clara',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemal',
  'Lena',
  'Mateo',
  'Nora',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tala',
  'Umar',
  'Vera',
  'Wen',
  'Yara',
  'Zeno',
];
const SYL = [
  'bar',
  'ven',
  'lo',
  'mar',
  'ti',
  'sel',
  'dor',
  'ka',
  'ri',
  'en',
  'stro',
  'vi',
  'na',
  'gar',
  'hol',
  'mer',
];
const ROLES = [
  'Directed by',
  'Written by',
  'Produced by',
  'Director of Photography',
  'Edited by',
  'Music by',
  'Sound Design',
  'Production Designer',
  'Casting',
  'Costume Designer',
  'Visual Effects',
  'Executive Producer',
  'Script Supervisor',
  'Gaffer',
  'Key Grip',
  'Location Manager',
];
const SUBJECTS = [
  'The harbor master',
  'My brother',
  'Nobody in this town',
  'The old engine',
  'Your friend from the station',
  'The captain',
  'Everyone at the archive',
  'That signal',
  'The council',
  'Her letter',
];
const VERBS = [
  'never told us about',
  'was looking for',
  'will not forgive',
  'keeps coming back to',
  'knows the truth about',
  'left without',
  'is afraid of',
  'has been waiting for',
  'forgot about',
  'cannot explain',
];
const OBJECTS = [
  'the night of the storm',
  'the key to the lower gate',
  'what happened last winter',
  'the map we found',
  'the old lighthouse',
  'the missing shipment',
  'the second letter',
  'the voice on the radio',
  'the orchard fire',
  'the promise we made',
];
const TAILS = [
  '',
  ' and you know it',
  ', I am sure of it',
  '. We have to go now',
  '. Listen to me',
  ", doesn't it matter?",
  '. Not again',
];

export function seriesTitle(rng: Rng): string {
  return `The ${rng.pick(TITLE_A)} ${rng.pick(TITLE_B)}`;
}

const STUDIO_KIND = ['Pictures', 'Studios', 'Television', 'Films', 'Media', 'Entertainment'];

/** An invented studio name, e.g. "Hollow Engine Films". */
export function studioName(rng: Rng): string {
  return `${rng.pick(TITLE_A)} ${rng.pick(TITLE_B)} ${rng.pick(STUDIO_KIND)}`;
}

export function episodeName(rng: Rng): string {
  return `${rng.pick(TITLE_A)} ${rng.pick(TITLE_B)}`;
}

function personName(rng: Rng): string {
  const n = rng.int(2, 3);
  let last = '';
  for (let i = 0; i < n; i++) last += rng.pick(SYL);
  return `${rng.pick(FIRST)} ${last.charAt(0).toUpperCase()}${last.slice(1)}`;
}

export function dialogueLine(rng: Rng): string {
  return `${rng.pick(SUBJECTS)} ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}${rng.pick(TAILS)}.`;
}

/** Credits text: role headings followed by one to three names, then a closing line. */
export function creditLines(rng: Rng, title: string, roles: number): string[] {
  const lines: string[] = [title.toUpperCase(), ''];
  for (const role of rng.shuffle(ROLES).slice(0, roles)) {
    lines.push(role);
    const names = rng.int(1, 3);
    for (let i = 0; i < names; i++) lines.push(personName(rng));
    lines.push('');
  }
  lines.push('No animals were harmed.', 'Footage: Blender Foundation (CC BY), Intel (CC BY)');
  return lines;
}

/** A word count estimate → seconds of speech at `wpm` words per minute. */
export function speechSeconds(text: string, wpm: number): number {
  return (text.split(/\s+/).length / wpm) * 60 + 0.5;
}
