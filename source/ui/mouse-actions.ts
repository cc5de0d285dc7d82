/**
 * What the mouse does in the reader, once state/mouse.ts has said what a report means: the wheel
 * scrolls the pane under the pointer (without moving the focus), a left click focuses that pane and
 * puts its cursor on the row clicked.
 */
import type { ReaderContext } from './reader-context.js';
import { followCursor } from './actions.js';
import { layout } from './state/reader.js';
import type { MouseIntent } from './state/mouse.js';
import { sidebarOffset } from './views/list-lines.js';

export function performMouse(c: ReaderContext, intent: MouseIntent): void {
  const s = c.state;
  const height = layout(s).bodyHeight;
  if (intent.kind === 'scroll') {
    switch (intent.pane) {
      case 'list':
        c.dispatch({ type: 'scroll-list', by: intent.by });
        if (s.focus === 'list') followCursor(c);
        return;
      case 'article':
        return c.dispatch({ type: 'scroll-article', by: intent.by, lineCount: c.openArticle()?.lines.length ?? 0 });
      case 'comments':
        return c.comments.scrollBy(intent.by);
      case 'sidebar':
        return c.dispatch({ type: 'sidebar-move', by: intent.by });
    }
  }
  c.dispatch({ type: 'clear-digits' });
  switch (intent.pane) {
    case 'list': {
      const index = s.list.offset + intent.line;
      if (index >= s.list.count) return;
      c.dispatch({ type: 'focus', pane: 'list' });
      c.dispatch({ type: 'move-to', index });
      return followCursor(c);
    }
    case 'sidebar': {
      const index = sidebarOffset(s.sidebarCursor, s.sidebarCount, height) + intent.line;
      if (index >= s.sidebarCount) return;
      c.dispatch({ type: 'focus', pane: 'sidebar' });
      return c.dispatch({ type: 'sidebar-move', by: index - s.sidebarCursor });
    }
    case 'article':
      return c.dispatch({ type: 'focus', pane: 'article' });
    case 'comments':
      c.dispatch({ type: 'focus', pane: 'comments' });
      return c.comments.selectLine(intent.line, height);
  }
}
