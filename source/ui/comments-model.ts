/**
 * The comments pane's model: which discussion is shown for the open article.
 * (Threaded comments arrive with the comment sources; until then the pane says what it would show.)
 */
import type { Action } from './keys.js';
import type { ArticleRow } from '../core/store.js';

export class CommentsModel {
  article: (ArticleRow & { feedUrl: string }) | undefined;

  constructor(_deps: unknown, private onChange: () => void) {}

  articleChanged(article: (ArticleRow & { feedUrl: string }) | undefined) {
    this.article = article;
    this.onChange();
  }

  /** Handle a key in the comments pane; false lets the reader handle it. */
  perform(_action: Action, _height: number): boolean {
    return false;
  }

  lines(_width: number, _height: number): string[] {
    const a = this.article;
    if (!a) return ['No article open.'];
    const where = a.commentFeedUrl || a.commentsUrl;
    if (!where) return ['This article has no discussion.'];
    const count = a.commentCount === null ? 'an unknown number of' : String(a.commentCount);
    return [`This pane will show the ${count} comments of this article, threaded, from:`, where];
  }

  dispose() {}
}
