// Search, on the search page only: Pagefind's index (built with the site, see
// explainer/search.py) loads when a query is asked, not before. Without JavaScript, or where
// the index cannot load (a preview, a site opened from disk), the page lists every page instead.
const results = document.getElementById("search-results");
const field = document.getElementById("search-query");
const siteRoot = new URL(results.dataset.root, location.href);
let pagefind = null;

function say(text) {
  results.replaceChildren(Object.assign(document.createElement("p"), { textContent: text }));
}

async function load() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
  }
  return pagefind;
}

// An excerpt is HTML: the page's text, escaped by Pagefind, with <mark> around the words found.
// Only that text and those marks are kept, so nothing else could reach the page whatever it held
// (a parsed document is inert: nothing in it runs or loads).
function marked(html) {
  return [...new DOMParser().parseFromString(html, "text/html").body.childNodes].map((node) =>
    node.nodeName === "MARK"
      ? Object.assign(document.createElement("mark"), { textContent: node.textContent })
      : document.createTextNode(node.textContent),
  );
}

function entry(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h3");
  const link = Object.assign(document.createElement("a"), { href: data.url, textContent: data.meta.title });
  heading.append(link);
  const about = Object.assign(document.createElement("p"), { className: "meta" });
  about.textContent = [data.meta.kind, data.meta.date].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.append(...marked(data.excerpt));
  item.append(heading, about, excerpt);
  return item;
}

let latest = 0; // (a slower, earlier search must not overwrite a later one's results)

async function search(query) {
  const asked = ++latest;
  history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
  if (!query.trim()) return results.replaceChildren();
  let found;
  try {
    found = await (await load()).search(query);
  } catch (error) {
    return say("Search is not available here (it is built with the published site); every page is listed below.");
  }
  const shown = await Promise.all(found.results.slice(0, 20).map((result) => result.data()));
  if (asked !== latest) return;
  const count = found.results.length;
  say(count ? `${count} page${count === 1 ? "" : "s"} found${count > 20 ? ", the first 20 shown" : ""}.` : "Nothing found: try other words, or the index below.");
  if (shown.length) results.append(Object.assign(document.createElement("ol"), { className: "search-list" }));
  results.querySelector("ol")?.append(...shown.map(entry));
}

document.querySelector(".search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search(field.value);
});
const fromAddress = new URLSearchParams(location.search).get("q");
if (fromAddress) {
  field.value = fromAddress;
  search(fromAddress);
}
