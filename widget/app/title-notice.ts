/**
 * "(2) New message — Shop" in the tab's title while the tab is hidden and a reply is unread; the
 * page's own title comes back when the visitor returns to the tab.
 * @returns a function showing the unread count (only while the tab is hidden)
 */
export function titleNotice(label = 'New message'): (unread: number) => void {
  let pageTitle: string | undefined;
  document.addEventListener('visibilitychange', () => {
    if (document.hidden || pageTitle === undefined) return;
    document.title = pageTitle;
    pageTitle = undefined;
  });
  return (unread) => {
    if (!document.hidden) return;
    pageTitle ??= document.title;
    document.title = `(${unread}) ${label} — ${pageTitle}`;
  };
}
