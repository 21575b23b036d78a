// The registry of course item kinds: each kind's icon, view and create form. The contract a kind fills is in
// itemKindSpec.ts, which the features' pages import; only this registry imports the pages (no import circle).
// Views and forms load when first shown (React.lazy): the course outline needs only the icons, so it does not
// download the editor, the math renderer, Markdown, the SignalR client or a video player. Render them inside
// <Suspense>.
import { lazy, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { Item } from '../api/lms';
import type { ItemKindSpec } from './itemKindSpec';

export type { ItemCreateProps, ItemKindSpec, ItemViewProps } from './itemKindSpec';

/** One component of a feature's module, loaded the first time it renders. */
function later<M, P>(load: () => Promise<M>, pick: (module: M) => ComponentType<P> | undefined): ComponentType<P> {
  return lazy(async () => {
    const component = pick(await load());
    if (!component) throw new Error('An item kind registered a part its module does not export.');
    return { default: component };
  });
}

const courseViews = () => import('./courseItemViews');
const assignment = () => import('../pages/moocs/AssignmentItem');
const quiz = () => import('../pages/assessment/QuizItem');
const live = () => import('../pages/classroom/LiveItem').then((m) => m.liveItemKind);
const content = () => import('../pages/content/contentItemKinds').then((m) => m.contentItemParts);
const scorm = () => import('../pages/scorm/ScormItem');

export const itemKinds: Record<string, ItemKindSpec> = {
  page: { icon: '¶', View: later(courseViews, (m) => m.PageView) },
  link: { icon: '↗', View: later(courseViews, (m) => m.LinkView) },
  assignment: { icon: '✎', View: later(assignment, (m) => m.AssignmentView), Create: later(assignment, (m) => m.AssignmentCreate) },
  quiz: { icon: '☑', View: later(quiz, (m) => m.QuizItemView), Create: later(quiz, (m) => m.QuizItemCreate) },
  live: { icon: '🎥', View: later(live, (k) => k.View), Create: later(live, (k) => k.Create) },
  video: { icon: '▶', View: later(content, (k) => k.View), Create: later(content, (k) => k.create.video), seenWhenWatched: true },
  audio: { icon: '♪', View: later(content, (k) => k.View), Create: later(content, (k) => k.create.audio), seenWhenWatched: true },
  document: { icon: '▤', View: later(content, (k) => k.View), Create: later(content, (k) => k.create.document) },
  image: { icon: '▨', View: later(content, (k) => k.View), Create: later(content, (k) => k.create.image) },
  scorm: { icon: '◈', View: later(scorm, (m) => m.ScormItemView), Create: later(scorm, (m) => m.ScormItemCreate), seenWhenWatched: true },
};

/** A kind nobody registered (an older web app, a newer server) still shows its title and note. */
const fallback: ItemKindSpec = itemKinds.page;

export function itemKind(kind: string): ItemKindSpec {
  return itemKinds[kind] ?? fallback;
}

/**
 * The kind's icon, with its name for screen readers (the icon alone says nothing to them). `named={false}` where
 * the kind's name is written next to it anyway.
 */
export function ItemIcon({ item, named = true }: { item: Pick<Item, 'kind'>; named?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`item-icon item-icon-${item.kind}`} aria-hidden="true">{itemKind(item.kind).icon}</span>
      {named && <span className="visually-hidden">{t(`itemKind.${item.kind}`, { defaultValue: t('itemKind.other') })}: </span>}
    </>
  );
}
