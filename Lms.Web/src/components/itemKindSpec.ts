// The contract of a course item kind (a feature's page fills it; components/itemKinds.tsx registers it).
import type { ComponentType } from 'react';
import type { Course, Item, Module } from '../api/lms';

/**
 * What each kind of course item looks like. Pages and links are the course's own; a feature that
 * adds a kind (a live session, a quiz, a video) registers it in itemKinds.tsx with one line: its icon, how it
 * shows when opened, and the form that creates it (both loaded lazily from the feature's module).
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
  View: ComponentType<ItemViewProps>;
  /** The form that creates such an item. Without one, the outline's own form (title, text, URL) is used. */
  Create?: ComponentType<ItemCreateProps>;
  /** Opening it does not count as seeing it: the View marks it seen itself (a video, once watched past a share). */
  seenWhenWatched?: boolean;
}
