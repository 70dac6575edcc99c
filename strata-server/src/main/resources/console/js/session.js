// Where the signed-in key is kept: this tab's sessionStorage by default (gone when the tab
// closes), localStorage only when the user chose "remember". Never in the URL.

const NAME = 'strata.console.key';

export function storedKey() {
  return window.sessionStorage.getItem(NAME) || window.localStorage.getItem(NAME);
}

export function rememberKey(key, remember) {
  forgetKey();
  (remember ? window.localStorage : window.sessionStorage).setItem(NAME, key);
}

export function forgetKey() {
  window.sessionStorage.removeItem(NAME);
  window.localStorage.removeItem(NAME);
}
