// Reactions are the one place the room uses emoji. Where no colour emoji font is installed (many
// Linux desktops, some cheap phones) an emoji is an empty box, so each has a word to show instead.

/** The reactions a student can send (the server accepts exactly these), each with its name's translation key. */
export const REACTIONS = [
  { emoji: '👍', name: 'like' },
  { emoji: '❤️', name: 'love' },
  { emoji: '😂', name: 'laugh' },
  { emoji: '😮', name: 'wow' },
  { emoji: '👏', name: 'clap' },
  { emoji: '🎉', name: 'party' },
  { emoji: '❓', name: 'question' },
] as const;

/** The translation key of a reaction's word (`live.reaction.like`), or null for an emoji we do not know. */
export function reactionKey(emoji: string): string | null {
  const found = REACTIONS.find((r) => r.emoji === emoji);
  return found ? `live.reaction.${found.name}` : null;
}

let emojiDrawn: boolean | null = null;

/** Whether this browser draws colour emoji: one is drawn on a small canvas and its pixels are looked at (once). */
export function canShowEmoji(): boolean {
  if (emojiDrawn !== null) return emojiDrawn;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = 24;
    canvas.height = 24;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return (emojiDrawn = true);
    context.textBaseline = 'top';
    context.font = '20px sans-serif';
    context.fillText('👍', 0, 0);
    const pixels = context.getImageData(0, 0, 24, 24).data;
    // A colour emoji font paints coloured pixels; a missing glyph is blank or a black box.
    emojiDrawn = false;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] > 0 && (Math.abs(pixels[i] - pixels[i + 1]) > 30 || Math.abs(pixels[i + 1] - pixels[i + 2]) > 30)) {
        emojiDrawn = true;
        break;
      }
    }
  } catch {
    emojiDrawn = true; // no canvas to ask: trust the browser
  }
  return emojiDrawn;
}
