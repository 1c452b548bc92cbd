// 长辈模式 (large type, high contrast) before the first paint, so a page does not change size as it
// opens. A classic script in each page's <head>; shell.js's toggle keeps the same setting.
try {
  if (localStorage.getItem('huimin.elderly') === '1') document.documentElement.classList.add('elderly');
} catch {
  // Storage unavailable (privacy modes): the page opens in the normal size.
}
