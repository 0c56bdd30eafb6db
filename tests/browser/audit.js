// Run in a page by tests/browser/test_accessibility.py: interactive elements without an
// accessible name, images without alt, <main> landmarks, and overflow past the viewport.
() => {
  const named = (el) => {
    const label = el.getAttribute('aria-label') || el.getAttribute('title') || '';
    if (label.trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some((id) => (document.getElementById(id)?.textContent || '').trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if ((el.textContent || '').trim()) return true;
    if (el.querySelector('img[alt]:not([alt=""])')) return true;
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type) && el.value.trim()) return true;
    return false;
  };
  const visible = (el) => el.type !== 'hidden' && !el.closest('[hidden]');
  const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
    .filter(visible);
  return {
    unnamed: controls.filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 160)),
    noAlt: [...document.images].filter((img) => !img.hasAttribute('alt')).map((img) => img.src),
    mains: document.querySelectorAll('main').length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}
