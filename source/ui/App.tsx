/**
 * The reader's root view. It draws what the controller exposes and forwards keys to it: all
 * behaviour lives in the controller and the pure reducers, none here.
 */
import type React from 'react';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import TextInput from 'ink-text-input';
import type { ReaderController } from './controller.js';
import { layout, scopeLabel } from './state/reader.js';
import { listLines, sidebarLines } from './views/list-lines.js';
import { OneLine, Pane } from './views/Panes.js';
import { HelpScreen } from './views/HelpScreen.js';
import { fit } from './format.js';
import { hintLine, statusLines } from './hints.js';
import type { Paint } from './theme.js';
import type { Keymap } from './keys.js';

export interface AppProps {
  controller: ReaderController;
  paint: Paint;
  keymap: Keymap;
  now?: () => number;
  /** Called for every keypress, before it is handled (the benchmarks' trace). */
  onKey?: (() => void) | undefined;
}

export function App({ controller, paint, keymap, now = Date.now, onKey }: AppProps) {
  useSyncExternalStore(controller.subscribe, controller.getVersion);
  const { stdout } = useStdout();

  // Ink re-lays out on resize but does not re-render components (README, Design: "Ink on Node 20"): do it ourselves.
  useEffect(() => {
    const onResize = () => controller.dispatch({ type: 'resize', columns: stdout.columns, rows: stdout.rows });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [controller, stdout]);

  const onInput = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      onKey?.();
      controller.handleInput(input, key);
    },
    [controller, onKey],
  );
  useInput(onInput);

  const s = controller.state;
  const l = layout(s);
  const frameHeight = s.rows - 1;

  if (s.help) return <HelpScreen keymap={keymap} width={s.columns} height={frameHeight} scroll={s.helpScroll} paint={paint} />;

  const unread = controller.unreadCount();
  const refresh = controller.refreshing;
  const progress = refresh ? `  refreshing ${refresh.done}/${refresh.total}` : '';
  const search = s.search ? `  /${s.search}` : '';
  // A common search lists its newest matches only (store/search-list.ts): the header says so, always in sight.
  const capped = controller.searchCapped() ? `  the newest ${s.list.count.toLocaleString('en')} matches of more` : '';
  const header = paint.header(fit(` Broadsheet — ${scopeLabel(s.scope)}${search}${capped}  ${unread} unread${progress}`, s.columns));

  const panes: React.ReactNode[] = [];
  let first = true;
  const rule = () => {
    const r = !first;
    first = false;
    return r;
  };
  if (l.sidebarWidth) {
    const r = rule();
    const lines = sidebarLines(controller.sidebarItems(), s.sidebarCursor, l.bodyHeight, l.sidebarWidth - (r ? 1 : 0), paint, s.focus === 'sidebar');
    panes.push(<Pane key="sidebar" lines={lines} width={l.sidebarWidth} height={l.bodyHeight} rule={r} paint={paint} focused={s.focus === 'sidebar'} />);
  }
  if (l.listWidth) {
    const r = rule();
    const width = l.listWidth - (r ? 1 : 0);
    const lines = listLines(controller.visibleRows(), s.list, width, paint, true, now());
    panes.push(<Pane key="list" lines={lines} width={l.listWidth} height={l.bodyHeight} rule={r} paint={paint} focused={s.focus === 'list'} />);
  }
  if (l.articleWidth) {
    const r = rule();
    const article = controller.openArticle();
    const lines = article ? article.lines.slice(s.articleScroll, s.articleScroll + l.bodyHeight).map((line) => ' ' + line) : [];
    panes.push(<Pane key="article" lines={lines} width={l.articleWidth} height={l.bodyHeight} rule={r} paint={paint} focused={s.focus === 'article'} />);
  }
  if (l.commentsWidth) {
    const r = rule();
    const lines = controller.comments.lines(l.commentsWidth - 2, l.bodyHeight).map((line) => ' ' + line);
    panes.push(<Pane key="comments" lines={lines} width={l.commentsWidth} height={l.bodyHeight} rule={r} paint={paint} focused={s.focus === 'comments'} />);
  }

  return (
    <Box flexDirection="column" width={s.columns} height={frameHeight}>
      <OneLine text={header} width={s.columns} />
      <Box flexDirection="row" width={s.columns} height={l.bodyHeight}>
        {panes}
      </Box>
      <Footer controller={controller} paint={paint} keymap={keymap} />
    </Box>
  );
}

function Footer({ controller, paint, keymap }: { controller: ReaderController; paint: Paint; keymap: Keymap }) {
  const s = controller.state;
  const prompt = s.prompt;
  const line = (text: string) => (
    <Box height={1} width={s.columns}>
      <Text>{text}</Text>
    </Box>
  );
  if (prompt?.kind === 'search' || prompt?.kind === 'add-feed') {
    const label = prompt.kind === 'search' ? '/' : (prompt.note ?? 'Add feed URL: ');
    if (prompt.kind === 'add-feed' && prompt.busy) return line(fit(` Checking ${prompt.value}…`, s.columns));
    return (
      <Box height={1} width={s.columns}>
        <Text>{label}</Text>
        <TextInput value={prompt.value} focus={false} showCursor={false} placeholder={prompt.kind === 'add-feed' ? 'https://…' : ''} onChange={() => {}} />
        <Text inverse> </Text>
      </Box>
    );
  }
  if (prompt?.kind === 'confirm-mark-all') {
    return line(fit(` Mark ${prompt.count} article${prompt.count === 1 ? '' : 's'} read? y/n`, s.columns));
  }
  if (prompt?.kind === 'confirm-remove-feed') {
    return line(fit(` Unsubscribe from ${prompt.title}? Its articles stay in the cache. y/n`, s.columns));
  }
  if (s.status === null) return line(paint.status(hintLine(s.focus, keymap, s.columns, s.reloadNote)));
  return (
    <Box height={statusLines(s.status, s.columns).length} width={s.columns} flexDirection="column">
      {statusLines(s.status, s.columns).map((text, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one or two lines of one message, never reordered
        <Text key={i}>{paint.status(fit(text, s.columns))}</Text>
      ))}
    </Box>
  );
}
