import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Course, Item, Module } from '../api/lms';
import { Markdown } from './Markdown';
import { AssignmentCreate, AssignmentView } from '../pages/moocs/AssignmentItem';
import { QuizItemCreate, QuizItemView } from '../pages/assessment/QuizItem';
import { liveItemKind } from '../pages/classroom/LiveItem';
import { contentItemKinds } from '../pages/content/contentItemKinds';

/**
 * What each kind of course item looks like. Pages and links are the course's own; a feature that
 * adds a kind (a live session, a quiz, a video) registers it here with one line: its icon, how it
 * shows when opened, and the form that creates it.
 */
export interface ItemViewProps {
  course: Course;
  item: Item;
  /** True for the course's students (their progress is kept). */
  learner: boolean;
  /** For kinds that decide themselves when they count as seen: call once they do (the course reloads its progress). */
  onSeen?: () => void;
}

export interface ItemCreateProps {
  course: Course;
  module: Module;
  /** Call after the item was created; the outline reloads. */
  onDone: () => void;
  onCancel: () => void;
}

export interface ItemKindSpec {
  icon: string;
  /** Shown under the item's title when it is opened. */
  View: (props: ItemViewProps) => ReactNode;
  /** The form that creates such an item. Without one, the outline's own form (title, text, URL) is used. */
  Create?: (props: ItemCreateProps) => ReactNode;
  /** Opening it does not count as seeing it: the View marks it seen itself (a video, once watched past a share). */
  seenWhenWatched?: boolean;
}

function PageView({ item }: ItemViewProps) {
  return item.body ? <Markdown source={item.body} testId="item-body" /> : null;
}

function LinkView({ item }: ItemViewProps) {
  const { t } = useTranslation();
  return (
    <>
      {item.body && <Markdown source={item.body} testId="item-body" />}
      {item.url && (
        <p>
          <a className="btn btn-primary" href={item.url} target="_blank" rel="noopener noreferrer" data-testid="item-link">
            {t('course.openLink')} <span aria-hidden="true">↗</span>
            <span className="visually-hidden"> ({t('common.newTab')})</span>
          </a>
          <span className="link-host muted">{hostOf(item.url)}</span>
        </p>
      )}
    </>
  );
}

export const itemKinds: Record<string, ItemKindSpec> = {
  page: { icon: '¶', View: PageView },
  link: { icon: '↗', View: LinkView },
  assignment: { icon: '✎', View: AssignmentView, Create: AssignmentCreate },
  quiz: { icon: '☑', View: QuizItemView, Create: QuizItemCreate },
  live: liveItemKind,
  ...contentItemKinds,
};

/** A kind nobody registered (an older web app, a newer server) still shows its title and note. */
const fallback: ItemKindSpec = { icon: '•', View: PageView };

export function itemKind(kind: string): ItemKindSpec {
  return itemKinds[kind] ?? fallback;
}

export function ItemIcon({ item }: { item: Pick<Item, 'kind'> }) {
  return <span className={`item-icon item-icon-${item.kind}`} aria-hidden="true">{itemKind(item.kind).icon}</span>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
